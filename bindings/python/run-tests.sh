#!/usr/bin/env bash
# Build the Python package into the repository's .venv and run its tests: pytest, the stub check
# (mypy.stubtest) and the example notebook, headless. Works from a fresh clone (CI=true).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/.venv"
PY="$VENV/bin/python"

if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
fi
"$PY" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements-dev.txt"

# maturin finds the .venv through VIRTUAL_ENV.
export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
# The tests build with Cargo's `release` profile: the shipped wheel's profile (`wheel`, fat LTO
# and one codegen unit, pyproject.toml) changes only how the same code is optimised and takes
# minutes longer to build; benches/run.sh builds with it. MICROCREDIT_WHEEL_PROFILE overrides.
(cd "$HERE" && "$VENV/bin/maturin" develop --quiet --profile "${MICROCREDIT_WHEEL_PROFILE:-release}")

# Tests. pytest exits 5 when it collected nothing: that is a failure here too.
"$PY" -m pytest "$HERE/tests" -q -p no:cacheprovider

# The hand-written stub against the compiled module.
(cd "$HERE" && "$PY" -m mypy.stubtest microcredit._microcredit --allowlist "$HERE/stubtest-allowlist.txt")

# The example notebook, executed headless (fails on any cell error).
MPLBACKEND=Agg "$PY" - "$REPO/examples/notebooks/true_cost_of_credit.ipynb" <<'PYEOF'
import sys, time
import nbformat
from nbclient import NotebookClient

path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
t0 = time.perf_counter()
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
print(f"notebook {path} ran in {time.perf_counter() - t0:.1f} s")
PYEOF
