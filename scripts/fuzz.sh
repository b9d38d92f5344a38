#!/usr/bin/env bash
# Runs the libFuzzer binaries of the fuzz preset and prints, per target, the
# executions, final coverage, corpus size and what was found.
#
#   scripts/fuzz.sh [-t SECONDS] [-j JOBS] [-T TIMEOUT] [-m RSS_MB] [-o DIR] [-n] [target...]
#
#   -t  fuzzing time per target (-max_total_time), default 60
#   -j  targets fuzzed at once, default 2
#   -T  seconds one input may take before it counts as a timeout (-timeout), default 10
#   -m  memory limit per fuzzer in MB (-rss_limit_mb), default 2048
#   -o  output directory, default build/fuzz-runs
#   -n  do not build (use the binaries in build/fuzz as they are)
#   target...  names of tests/fuzz/corpus/ directories; default every one
#
# Each target's working corpus (DIR/<target>/corpus) grows across runs and
# starts from the checked-in seeds (tests/fuzz/corpus/<target>) and regression
# inputs; findings go to DIR/<target>/findings/<time>/. A run that finds
# something restarts with the time left (at most 5 findings per target), so
# one crash does not end the target's time. Exits 1 if anything was found,
# 2 on a usage or build error. Details: docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60 jobs=2 timeout=10 rss_mb=2048 out=build/fuzz-runs build=1
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "t:j:T:m:o:nh" opt; do
  case "$opt" in
    t) seconds="$OPTARG" ;;
    j) jobs="$OPTARG" ;;
    T) timeout="$OPTARG" ;;
    m) rss_mb="$OPTARG" ;;
    o) out="$OPTARG" ;;
    n) build=0 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
for n in "$seconds" "$jobs" "$timeout" "$rss_mb"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: not a positive number: $n" >&2; usage; }
done

corpus_root=tests/fuzz/corpus
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for dir in "$corpus_root"/*/; do targets+=("$(basename "$dir")"); done
fi
for t in "${targets[@]}"; do
  [ -d "$corpus_root/$t" ] || { echo "fuzz: no target $t (no $corpus_root/$t)" >&2; exit 2; }
done

if [ "$build" = 1 ]; then
  # libFuzzer's runtime comes with clang's compiler-rt.
  scripts/setup.sh clang libclang-rt-14-dev
  scripts/build.sh fuzz >/dev/null || { echo "fuzz: build failed (scripts/build.sh fuzz)" >&2; exit 2; }
fi
bin_dir=build/fuzz/tests/fuzz
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
max_findings=5

# Fuzzes one target for $seconds, restarting after each finding; writes
# key=value results to DIR/<target>/summary for the table.
fuzz_one() {
  local t="$1" dir="$out/$1"
  local findings="$dir/findings/$stamp" log="$dir/fuzz-$stamp.log"
  mkdir -p "$dir/corpus" "$findings"
  : >"$log"
  local seeds=("$corpus_root/$t")
  [ -d "tests/fuzz/regressions/$t" ] && seeds+=("tests/fuzz/regressions/$t")
  local start now left runs=0 errors=0
  start=$(date +%s)
  while :; do
    now=$(date +%s)
    left=$((seconds - (now - start)))
    [ "$left" -ge 1 ] || break
    local before after rc=0
    before=$(find "$findings" -type f | wc -l)
    echo "== run $((runs + 1)), ${left}s left" >>"$log"
    "$bin_dir/fuzz_$t" "$dir/corpus" "${seeds[@]}" -max_total_time="$left" \
      -timeout="$timeout" -rss_limit_mb="$rss_mb" -print_final_stats=1 \
      -artifact_prefix="$findings/" >>"$log" 2>&1 || rc=$?
    runs=$((runs + 1))
    after=$(find "$findings" -type f | wc -l)
    if [ "$rc" -ne 0 ] && [ "$after" -eq "$before" ]; then
      errors=1  # failed without leaving an input: not a finding, a broken run
      break
    fi
    [ "$rc" -eq 0 ] || [ "$after" -lt "$max_findings" ] || break
    [ "$rc" -ne 0 ] || break
  done
  local execs status
  execs=$(awk '/^stat::number_of_executed_units:/ {s += $2} END {print s + 0}' "$log")
  # The last status line: "#N DONE cov: C ft: F corp: K/SIZE ...".
  status=$(grep -E '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
  {
    echo "execs=$execs"
    echo "elapsed=$(($(date +%s) - start))"
    echo "cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$status")"
    echo "ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$status")"
    echo "corpus=$(find "$dir/corpus" -type f | wc -l)"
    echo "runs=$runs"
    echo "errors=$errors"
    echo "log=$log"
    echo "findings=$findings"
  } >"$dir/summary"
}

mkdir -p "$out"
echo "fuzz: ${#targets[@]} target(s), ${seconds}s each, $jobs at a time, -timeout=$timeout" \
  "-rss_limit_mb=$rss_mb, output in $out" >&2
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  echo "fuzz: $t started $(date -u +%H:%M:%SZ)" >&2
  fuzz_one "$t" &
done
wait

found=0 broken=0
printf '%-22s %7s %12s %8s %6s %7s %7s %6s %8s %5s %5s\n' target seconds executions exec/s \
  cov ft corpus crash timeout oom leak
details=()
for t in "${targets[@]}"; do
  declare -A r=()
  while IFS='=' read -r k v; do r[$k]="$v"; done <"$out/$t/summary"
  count() { find "${r[findings]}" -name "$1-*" -type f | wc -l; }
  crash=$(count crash) tmo=$(count timeout) oom=$(count oom) leak=$(count leak)
  rate=$((r[execs] / (r[elapsed] > 0 ? r[elapsed] : 1)))
  printf '%-22s %7s %12s %8s %6s %7s %7s %6s %8s %5s %5s\n' "$t" "${r[elapsed]}" "${r[execs]}" \
    "$rate" "${r[cov]:--}" "${r[ft]:--}" "${r[corpus]}" "$crash" "$tmo" "$oom" "$leak"
  while IFS= read -r f; do
    note=""
    # libFuzzer's -timeout is wall-clock time: on a busy machine (or under
    # nice) a fast input can be starved past it, so each timeout is replayed
    # once, alone, to tell a hang from starvation.
    if [[ "$(basename "$f")" == timeout-* ]]; then
      ms=$(timeout "$((timeout * 3))" "$bin_dir/fuzz_$t" -runs=1 "$f" 2>&1 |
        sed -nE 's/^Executed .* in ([0-9]+) ms$/\1/p' || true)
      if [ -n "$ms" ]; then
        note=" (replayed alone: $ms ms)"
      else
        note=" (replayed alone: did not finish in $((timeout * 3)) s)"
      fi
    fi
    details+=("  $t: $f$note")
  done < <(find "${r[findings]}" -type f | sort)
  [ $((crash + tmo + oom + leak)) -eq 0 ] || found=1
  if [ "${r[errors]}" = 1 ]; then
    broken=1
    details+=("  $t: the fuzzer failed without a finding; see ${r[log]}")
  fi
  unset r
done
if [ "${#details[@]}" -gt 0 ]; then
  echo
  echo "findings (replay: build/fuzz/tests/fuzz/fuzz_<target> FILE):"
  printf '%s\n' "${details[@]}"
fi
[ "$found" = 0 ] || exit 1
[ "$broken" = 0 ] || exit 2
exit 0
