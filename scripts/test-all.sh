#!/usr/bin/env bash
# Every test of the project: Rust (format, lints, docs, unit, golden, property and doc tests;
# the fuzz targets for a bounded time over their regression corpus),
# then the Python package (pytest, stubtest, the notebook) and the Kotlin bindings (JUnit on the JVM).
# Works on a fresh machine of the project's kind: the binding scripts install what they need.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
echo "== crate dependencies (scripts/check-deps.sh)"
./scripts/check-deps.sh
echo "== cargo test"
cargo test --workspace
echo "== fuzz (scripts/fuzz.sh 15: regression corpus, then 15 s per target)"
./scripts/fuzz.sh 15

if [ "${SKIP_BINDINGS:-0}" != "1" ]; then
  for script in bindings/python/run-tests.sh bindings/mobile/run-tests.sh; do
    if [ -x "$script" ]; then
      echo "== $script"
      "$script"
    fi
  done
fi
echo "== all tests passed"
