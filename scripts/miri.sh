#!/usr/bin/env bash
# The crate's only unsafe code (core/tables/src/memory.rs: columns written once without being zeroed)
# under Miri, the Rust interpreter that detects undefined behaviour: out-of-bounds or
# uninitialised reads, aliasing violations, leaks. Installs Miri into the nightly toolchain
# when it is missing. Run by scripts/test-all.sh.
#
# Only memory.rs's own tests run here: the batch tests reach rayon's thread pool, whose
# crossbeam-epoch internals Miri's Stacked Borrows model flags (not this crate's code).
set -euo pipefail
cd "$(dirname "$0")/.."

toolchain="${MIRI_TOOLCHAIN:-nightly}"
if ! rustup run "$toolchain" cargo miri --version >/dev/null 2>&1; then
  echo "== installing Miri into the $toolchain toolchain"
  rustup component add --toolchain "$toolchain" miri rust-src
fi
# A target folder of its own: Miri builds the crate for its interpreter, not for the machine.
export CARGO_TARGET_DIR="${MIRI_TARGET_DIR:-target/miri}"
cargo "+$toolchain" miri test -p microcredit-tables --lib memory::
