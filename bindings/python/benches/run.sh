#!/usr/bin/env bash
# Benchmark microcredit.schedules against the peers in one process, side by side, round by round
# (same venv, same seeded loans from shared/peers/_common.py): see side_by_side.py.
# Usage: bindings/python/benches/run.sh [N] [ROUNDS] [--suite accounts]   (default 100000 9, schedules)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
PEERS="$(cd "$REPO/.." && pwd)/shared/peers"
[ -d "$PEERS" ] || PEERS="$REPO/shared/peers"
PY="$REPO/.venv/bin/python"
N="${1:-100000}"
ROUNDS="${2:-9}"
shift $(( $# < 2 ? $# : 2 ))

"$PY" -m pip install --quiet --disable-pip-version-check -r "$PEERS/requirements.txt"
# Always the shipped wheel's profile (`wheel`: fat LTO), whatever the tests built last.
(cd "$HERE/.." && VIRTUAL_ENV="$REPO/.venv" "$REPO/.venv/bin/maturin" develop --quiet)

echo "# $(date -u +%FT%TZ) N=$N rounds=$ROUNDS $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$HERE/side_by_side.py" --n "$N" --rounds "$ROUNDS" "$@"
