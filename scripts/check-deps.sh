#!/usr/bin/env bash
# The crates' dependencies point one way and the shipped libraries carry only what they run
# (issue 15): the domain crate `microcredit` is pure (no threads, no FFI, no Arrow), and the
# mobile library carries no thread pool and no Arrow. Fails, naming the crate, if that changes.
# Run by scripts/test-all.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
check() { # crate, forbidden dependencies (extended regex on crate names)
  local crate="$1" forbidden="$2" found
  found="$(cargo tree -p "$crate" -e normal --prefix none --offline 2>/dev/null \
    | awk '{print $1}' | grep -E "^($forbidden)$" | sort -u || true)"
  if [ -n "$found" ]; then
    echo "error: $crate depends on $(echo "$found" | tr '\n' ' ')(forbidden: $forbidden)" >&2
    fail=1
  else
    echo "ok: $crate has none of: $forbidden"
  fi
}
check microcredit 'rayon|rayon-core|libc|arrow.*|pyo3.*|rusqlite|uniffi.*'
check microcredit-tables 'pyo3.*|uniffi.*'
check microcredit-mobile 'rayon|rayon-core|arrow.*|pyo3.*'
exit "$fail"
