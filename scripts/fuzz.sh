#!/usr/bin/env bash
# Coverage-guided fuzzing of the core (cargo-fuzz + libFuzzer, nightly Rust, AddressSanitizer,
# debug assertions and overflow checks on).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 20)
#
# 1. installs cargo-fuzz (pinned, from crates.io) into a cache folder when it is missing;
# 2. builds every target in fuzz/fuzz_targets/;
# 3. replays the regression corpus: every file under tests/fuzz-regressions/<target>/ must run
#    without a crash;
# 4. fuzzes each target for SECONDS_PER_TARGET seconds, one process, and prints how many inputs
#    it ran. A crash fails the script; the input is kept in fuzz/artifacts/<target>/ and printed
#    in base64, so a CI log is enough to reproduce it (add it to tests/fuzz-regressions/<target>/).
#
# Environment: FUZZ_TARGETS="terms_json batch" to fuzz only some targets; FUZZ_TOOLCHAIN (default
# nightly); MICROCREDIT_TOOLS, where tools are installed (default ~/.cache/microcredit-tools).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
case "$seconds" in
  '' | *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2 ;;
esac

CARGO_FUZZ_VERSION=0.13.2
toolchain="${FUZZ_TOOLCHAIN:-nightly}"
tools="${MICROCREDIT_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/microcredit-tools}"
fuzz_root="$tools/cargo-fuzz-$CARGO_FUZZ_VERSION"
start=$(date +%s)

if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  echo "fuzz.sh: the $toolchain Rust toolchain is needed (cargo-fuzz builds with -Zsanitizer)" >&2
  exit 1
fi
if ! "$fuzz_root/bin/cargo-fuzz" --version 2>/dev/null | grep -qF "$CARGO_FUZZ_VERSION"; then
  echo "== installing cargo-fuzz $CARGO_FUZZ_VERSION into $fuzz_root"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$fuzz_root"
fi
export PATH="$fuzz_root/bin:$PATH"
cargo_fuzz=(cargo "+$toolchain" fuzz)

# Targets: all of fuzz/fuzz_targets/, or those asked for.
if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  mapfile -t targets < <("${cargo_fuzz[@]}" list)
fi

echo "== cargo fuzz build (${targets[*]})"
"${cargo_fuzz[@]}" build
triple=$(rustup run "$toolchain" rustc -vV | sed -n 's/^host: //p')
bin_dir="fuzz/target/$triple/release"
build_done=$(date +%s)
echo "   built in $((build_done - start)) s"

# The options every run shares: memory bounded, inputs bounded, a slow input is a failure.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_odr_violation=0}"
common=(-rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=4096 -timeout=30)
failed=()
summary=()

# Print a crashing input so that the CI log alone reproduces it.
show_artifacts() {
  local target="$1" dir="fuzz/artifacts/$1" f
  [ -d "$dir" ] || return 0
  for f in "$dir"/crash-* "$dir"/oom-* "$dir"/timeout-* "$dir"/leak-* "$dir"/slow-unit-*; do
    [ -f "$f" ] || continue
    [ "$f" -nt "$marker" ] || continue
    echo "   saved input: $f ($(wc -c <"$f") bytes); base64:"
    base64 -w 100 "$f" | head -c 20000 | sed 's/^/     /'
    echo
    echo "   reproduce: cargo +$toolchain fuzz run $target $f"
  done
}
marker=$(mktemp)
trap 'rm -f "$marker"' EXIT

# 1. The regression corpus, each file once.
for target in "${targets[@]}"; do
  dir="tests/fuzz-regressions/$target"
  [ -d "$dir" ] || continue
  mapfile -t files < <(find "$dir" -type f | sort)
  [ "${#files[@]}" -gt 0 ] || continue
  echo "== regressions: $target (${#files[@]} inputs)"
  mkdir -p "fuzz/artifacts/$target"
  log="fuzz/artifacts/$target/regressions.log"
  for f in "${files[@]}"; do
    # One process per file, so that every crashing file is named (libFuzzer stops at the first).
    if "$bin_dir/$target" "${common[@]}" -artifact_prefix="fuzz/artifacts/$target/" "$f" >"$log" 2>&1; then
      echo "   ok    $f"
    else
      echo "   CRASH $f"
      { grep -E 'panicked at|^\s+#[0-9]+ .* in (microcredit|microcredit_fuzz)::|^==[0-9]+==ERROR|^SUMMARY' "$log" || true; } | head -12 | sed 's/^/         /'
      failed+=("$target: regression $f")
    fi
  done
done

# 2. Fuzzing, each target for the given time, from its corpus (kept in fuzz/corpus/<target>/
#    between runs on one machine), the regression inputs and, for the JSON target, the golden terms.
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus" "fuzz/artifacts/$target"
  extra=()
  [ -d "tests/fuzz-regressions/$target" ] && extra+=("tests/fuzz-regressions/$target")
  options=()
  if [ "$target" = terms_json ]; then
    seeds="fuzz/target/seeds/terms_json"
    rm -rf "$seeds" && mkdir -p "$seeds"
    # The terms objects of the golden cases, one file each.
    python3 - "$seeds" <<'PY' || echo "   (no golden seeds: python3 failed)"
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
n = 0
for path in sorted(pathlib.Path("tests/golden").glob("*.json")):
    def walk(node):
        global n
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "terms" and isinstance(value, dict):
                    (out / f"{path.stem}-{n:03}.json").write_text(json.dumps(value))
                    n += 1
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(json.loads(path.read_text()))
print(f"   {n} golden terms as seeds")
PY
    extra+=("$seeds")
    options+=(-dict=fuzz/dicts/terms_json.dict)
  fi
  echo "== fuzz: $target for ${seconds} s"
  log="fuzz/artifacts/$target/fuzz.log"
  touch "$marker"
  status=0
  "${cargo_fuzz[@]}" run "$target" "$corpus" "${extra[@]}" -- \
    "${common[@]}" "${options[@]}" -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
  # (A crash while loading the corpus leaves no statistics: every look-up may find nothing.)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1 || true)
  added=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1 || true)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1 || true)
  cov=$({ grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[^ ]+' "$log" || true; } | tail -1)
  grep -E '^#[0-9]+ +DONE' "$log" | tail -1 | sed 's/^/   /' || true
  line="$target: ${runs:-?} inputs, ${speed:-?}/s, ${added:-?} new, peak ${rss:-?} MB, ${cov:-}"
  if [ "$status" -ne 0 ]; then
    echo "   CRASH (exit $status); log: $log"
    { grep -E 'panicked at|^\s+#[0-9]+ .* in (microcredit|microcredit_fuzz)::|^==[0-9]+==ERROR|^SUMMARY|Test unit written' "$log" || true; } | head -20 | sed 's/^/     /'
    show_artifacts "$target"
    failed+=("$target: crash while fuzzing")
    line="$line  CRASH"
  fi
  echo "   $line"
  summary+=("$line")
done

echo "== fuzz summary (${seconds} s per target, $(($(date +%s) - start)) s in all, build $((build_done - start)) s)"
printf '   %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "== fuzz FAILED:"
  printf '   %s\n' "${failed[@]}"
  exit 1
fi
echo "== fuzz: no crash"
