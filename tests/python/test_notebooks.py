"""Every notebook under examples/notebooks runs from top to bottom without an error, and is stored
without outputs.

The notebooks run in a kernel on this interpreter (the one running pytest, so the one whose
stakecalc is under test): a kernelspec made for the test in a temporary folder, found through
JUPYTER_PATH, started with this process's environment plus PYTHONPATH and STAKECALC_SOURCE_DIR, and
with IPython's and matplotlib's settings folders in the temporary folder too, so that nothing is
read from or written to the user's home.
"""
import importlib
import json
import os
import pathlib
import sys
import time

import pytest

# Skipped where the notebook tools are not installed, except under STAKECALC_REQUIRE_ENGINES=1 (the
# project's test run, whose requirements install them): there a missing tool fails the test.
REQUIRE_ENGINES = os.environ.get("STAKECALC_REQUIRE_ENGINES") == "1"
SOURCE_DIR = pathlib.Path(os.environ.get("STAKECALC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
NOTEBOOKS = sorted((SOURCE_DIR / "examples" / "notebooks").glob("*.ipynb"))
KERNEL = "stakecalc-test"


def need(module):
    if REQUIRE_ENGINES:
        return importlib.import_module(module)
    return pytest.importorskip(module)


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebook under {SOURCE_DIR / 'examples' / 'notebooks'}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    nbformat = need("nbformat")
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"cell {i} of {path.name} has outputs"


@pytest.fixture
def kernel_name(tmp_path, monkeypatch):
    need("ipykernel")
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    env = {
        # Absolute: the kernel runs in the notebook's folder, where a relative entry such as
        # "build/python" would point nowhere.
        "PYTHONPATH": os.pathsep.join(str(pathlib.Path(p).resolve())
                                      for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p),
        "STAKECALC_SOURCE_DIR": str(SOURCE_DIR),
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "MPLCONFIGDIR": str(tmp_path / "matplotlib"),
        "MPLBACKEND": "Agg",
    }
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "stakecalc tests",
        "language": "python",
        "env": env,
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    return KERNEL


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, kernel_name):
    nbformat = need("nbformat")
    nbclient = need("nbclient")
    nb = nbformat.read(str(path), as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name=kernel_name, timeout=300,
                                     resources={"metadata": {"path": str(path.parent)}})
    start = time.monotonic()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        pytest.fail(f"{path.name}: a cell failed:\n{e}")
    elapsed = time.monotonic() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    print(f"{path.name}: {elapsed:.1f} s")
