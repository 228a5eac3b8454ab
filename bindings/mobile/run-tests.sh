#!/usr/bin/env bash
# Build the mobile library, generate its Kotlin (and Swift) bindings, run the Kotlin JVM tests with
# Maven, then check the size of the release library.
#
#   bindings/mobile/run-tests.sh           # build, generate, mvn test, size check (<= 1 MiB)
#   bindings/mobile/run-tests.sh --bench   # the above, then the Kotlin and Rust benchmarks
#
# Needs: the Rust toolchain (rust-toolchain.toml), JDK 17+, Maven 3.8+, python3 (summary only),
# and access to Maven Central on the first run. Works from any directory.
set -euo pipefail

BENCH=0
for arg in "$@"; do
  case "$arg" in
    --bench) BENCH=1 ;;
    *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
case "$(uname -s)" in
  Darwin) LIBFILE=libmicrocredit_mobile.dylib ;;
  *) LIBFILE=libmicrocredit_mobile.so ;;
esac
KOTLIN_TESTS="$ROOT/bindings/mobile/kotlin-tests"
GEN_KOTLIN="$KOTLIN_TESTS/target/generated-sources/uniffi"
GEN_SWIFT="$ROOT/bindings/mobile/target/swift"
# Size of the release-mobile library of one ABI (symbols stripped by the profile, as an APK ships
# it): the goal is 1 MiB (a warning above it); the test fails above 1.5 MiB (the issue's limit,
# leaving room for SQLite, which later issues add).
GOAL_BYTES=1048576     # 1 MiB: the goal
MAX_BYTES=1572864      # 1.5 MiB: fail above this

echo "==> cargo build -p microcredit-mobile --features test-hooks"
cargo build -p microcredit-mobile --features test-hooks
LIB="$TARGET_DIR/debug/$LIBFILE"
[ -f "$LIB" ] || { echo "error: $LIB was not built" >&2; exit 1; }

echo "==> uniffi-bindgen: Kotlin into $GEN_KOTLIN, Swift into $GEN_SWIFT"
rm -rf "$GEN_KOTLIN" "$GEN_SWIFT"
cargo run -q -p uniffi-bindgen -- generate --library "$LIB" --language kotlin --no-format --out-dir "$GEN_KOTLIN"
cargo run -q -p uniffi-bindgen -- generate --library "$LIB" --language swift --no-format --out-dir "$GEN_SWIFT"

summarize() {
  # Sum surefire's XML reports into its own "Tests run:" form and the plain closing form.
  python3 - "$KOTLIN_TESTS/target/surefire-reports" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
t = f = e = s = 0
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    r = ET.parse(path).getroot()
    t += int(r.get("tests", 0)); f += int(r.get("failures", 0)); e += int(r.get("errors", 0)); s += int(r.get("skipped", 0))
print(f"Tests run: {t}, Failures: {f}, Errors: {e}, Skipped: {s}")
print(f"kotlin: {t - f - e - s} passed, {f + e} failed, {s} skipped")
PY
}

echo "==> mvn test (bindings/mobile/kotlin-tests)"
rm -rf "$KOTLIN_TESTS/target/surefire-reports"
status=0
(cd "$KOTLIN_TESTS" && mvn -B -q -ntp test -Dmobile.lib.dir="$TARGET_DIR/debug") || status=$?
SUMMARY="$(summarize || true)"
echo
echo "$SUMMARY"
if [ "$status" -ne 0 ]; then
  echo "error: Kotlin tests failed (mvn exit $status)" >&2
  exit "$status"
fi

echo "==> size: cargo build -p microcredit-mobile --profile release-mobile (no test hooks)"
cargo build -p microcredit-mobile --profile release-mobile
REL="$TARGET_DIR/release-mobile/$LIBFILE"
SIZE=$(wc -c < "$REL" | tr -d ' ')
echo "release-mobile $LIBFILE ($(uname -m)): $SIZE bytes ($((SIZE / 1024)) KiB, symbols stripped);" \
  "goal $GOAL_BYTES (1 MiB), limit $MAX_BYTES (1.5 MiB)"
if [ "$SIZE" -gt "$GOAL_BYTES" ]; then
  echo "warning: $REL is above the 1 MiB goal" >&2
fi
if [ "$SIZE" -gt "$MAX_BYTES" ]; then
  echo "error: $REL is $SIZE bytes, above the limit of $MAX_BYTES" >&2
  exit 1
fi
# Stripping must keep the dynamic symbols: the generated bindings look them up (and check their
# checksums) when the library loads.
if [ "$LIBFILE" = libmicrocredit_mobile.so ] && command -v nm >/dev/null \
  && [ "$(nm -D --defined-only "$REL" 2>/dev/null | grep -c 'uniffi_microcredit_mobile_checksum_func_quote$' || true)" -eq 0 ]; then
  echo "error: the release library lost its exported uniffi symbols" >&2
  exit 1
fi
if command -v nm >/dev/null && [ "$(nm -D "$REL" 2>/dev/null | grep -c 'debug_panic' || true)" -ne 0 ]; then
  echo "error: the release library exports the test hook debug_panic" >&2
  exit 1
fi

if [ "$BENCH" -eq 1 ]; then
  # Optimised library (profile release, opt-level 3) with the same exports as the tested one, so
  # the generated Kotlin matches it; the Rust timing below uses the same profile.
  echo "==> benchmark: Kotlin on the JVM against the release library (mvn -Pbenchmark)"
  cargo build -p microcredit-mobile --release --features test-hooks
  rm -rf "$GEN_KOTLIN"
  cargo run -q -p uniffi-bindgen -- generate --library "$TARGET_DIR/release/$LIBFILE" --language kotlin --no-format --out-dir "$GEN_KOTLIN"
  (cd "$KOTLIN_TESTS" && mvn -B -q -ntp test -Pbenchmark -Dmobile.lib.dir="$TARGET_DIR/release")
  echo "==> benchmark: the same quote in Rust (core alone, and through the binding's conversions)"
  cargo test -q -p microcredit-mobile --release --lib -- --ignored --nocapture bench_
  cat "$KOTLIN_TESTS/target/benchmark-kotlin.txt"
fi

echo "$SUMMARY"
