#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60), one after another on one core, from
# the seed corpus in Benchmarks/Fuzz/corpus/<target>/ (new inputs go to a scratch copy, so the
# repository's corpus stays small). A crash stops that target with its input saved under
# Benchmarks/out/fuzz/<target>/ and the script exits 1 at the end; turn each into a regression test.
#
#   Benchmarks/fuzz.sh 600            # ten minutes each
#   FUZZ_TARGETS="FuzzCSV" Benchmarks/fuzz.sh 60
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/Benchmarks/Fuzz"
out="$root/Benchmarks/out/fuzz"
targets="${FUZZ_TARGETS:-FuzzCSV FuzzXML FuzzPlanCell FuzzConfiguration}"

# Every module is built with coverage instrumentation (each target hands its test to LLVMFuzzerRunDriver).
swift build -c debug --package-path "$fuzz" --scratch-path "$root/.build-fuzz" \
  -Xswiftc -sanitize=fuzzer >&2
bin="$(swift build -c debug --package-path "$fuzz" --scratch-path "$root/.build-fuzz" --show-bin-path)"

failed=0
for target in $targets; do
  mkdir -p "$out/$target/corpus" "$out/$target/crashes"
  cp -n "$fuzz/corpus/$target/"* "$out/$target/corpus/" 2>/dev/null || true
  dictionary=()
  [ -f "$fuzz/corpus/$target.dict" ] && dictionary=(-dict="$fuzz/corpus/$target.dict")
  echo "== $target: $seconds s" >&2
  # -jobs=1 -workers=1: one fuzzing process (one core), which libFuzzer runs as a child writing
  # fuzz-0.log in the working directory: the target's own folder.
  if ! (cd "$out/$target" && "$bin/$target" "$out/$target/corpus" "${dictionary[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=4096 -workers=1 -jobs=1 -print_final_stats=1 -artifact_prefix="$out/$target/crashes/" \
    > "$out/$target/log.txt" 2>&1) || ls "$out/$target/crashes/" | grep -q .; then
    failed=1
    echo "== $target: CRASH, inputs in $out/$target/crashes/" >&2
  fi
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|Done [0-9]+ runs|deadly signal|Fatal error|Assertion" \
    "$out/$target/fuzz-0.log" >&2 || true
done
exit $failed
