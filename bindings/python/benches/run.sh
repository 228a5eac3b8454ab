#!/usr/bin/env bash
# Benchmark microcredit.schedules against the peers in one sitting (same machine, same venv,
# same seeded loans). Usage: bindings/python/benches/run.sh [N] [RUNS]   (default 100000 3)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
PEERS="$(cd "$REPO/.." && pwd)/shared/peers"
[ -d "$PEERS" ] || PEERS="$REPO/shared/peers"
PY="$REPO/.venv/bin/python"
N="${1:-100000}"
RUNS="${2:-3}"

"$PY" -m pip install --quiet --disable-pip-version-check -r "$PEERS/requirements.txt"
if ! "$PY" -c "import microcredit" 2>/dev/null; then
    (cd "$HERE/.." && VIRTUAL_ENV="$REPO/.venv" "$REPO/.venv/bin/maturin" develop --release --quiet)
fi

echo "# $(date -u +%FT%TZ) N=$N runs=$RUNS $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$HERE/bench_schedules.py" --n "$N" --runs "$RUNS"
(cd "$PEERS" && "$PY" schedules_numpy_financial.py --n "$N" --runs "$RUNS")
(cd "$PEERS" && "$PY" schedules_python_decimal.py --n "$N" --runs "$RUNS")
(cd "$PEERS" && "$PY" xirr_pyxirr.py --n "$N" --runs "$RUNS")
