"""Every public name of the package has a type stub, and every stub names something real."""
import ast
import pathlib

import stakecalc


def stub_names(path):
    tree = ast.parse(pathlib.Path(path).read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def test_every_public_name_has_a_stub(source_dir):
    stubs = stub_names(source_dir / "python" / "stakecalc" / "__init__.pyi")
    public = {name for name in dir(stakecalc) if not name.startswith("_")}
    submodules = {name for name in public if type(getattr(stakecalc, name)).__name__ == "module"}
    missing = public - submodules - stubs
    assert not missing, f"public names without a stub in __init__.pyi: {sorted(missing)}"


def test_stubs_name_only_real_things(source_dir):
    stubs = stub_names(source_dir / "python" / "stakecalc" / "__init__.pyi")
    helpers = {"DecimalLike", "RoundingLike", "DateLike", "CalendarLike"}
    unknown = {n for n in stubs - helpers if not hasattr(stakecalc, n)}
    assert not unknown, f"stubs for names the package does not have: {sorted(unknown)}"


def test_py_typed_marker_ships(source_dir):
    assert (source_dir / "python" / "stakecalc" / "py.typed").exists()
