#!/usr/bin/env bash
# `pip install .` into a fresh venv builds and installs stakecalc, and a wheel builds too.
# Usage: check_pip_install.sh SOURCE_DIR WORK_DIR PYTHON
set -euo pipefail
src=$1 work=$2 python=$3
rm -rf "$work" && mkdir -p "$work"
"$python" -m venv "$work/venv"
settings=()
command -v ccache >/dev/null && settings=(--config-settings=cmake.define.CMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_SLOPPINESS=pch_defines,time_macros CCACHE_BASEDIR="$src"
"$work/venv/bin/python" -m pip wheel -q --no-deps -w "$work/wheels" "${settings[@]}" "$src"
ls "$work"/wheels/stakecalc-*.whl
"$work/venv/bin/python" -m pip install -q "$work"/wheels/stakecalc-*.whl
cd "$work"  # not the source tree, so the installed package is the one imported
"$work/venv/bin/python" - <<'PY'
import pathlib, stakecalc
from decimal import Decimal
assert "site-packages" in stakecalc.__file__, stakecalc.__file__
parts = stakecalc.Money("100.00").allocate([1, 1, 1])
assert [p.amount for p in parts] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")], parts
pkg = pathlib.Path(stakecalc.__file__).parent
assert (pkg / "py.typed").exists() and (pkg / "__init__.pyi").exists()
print("installed stakecalc", stakecalc.__version__, "from", pkg)
PY
