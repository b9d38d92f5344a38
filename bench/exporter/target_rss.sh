#!/usr/bin/env bash
# What a target costs the exporter before any check runs: resident memory once
# /-/ready answers, for each count in BENCH_RSS_TARGETS ("10000 50000"), with
# one target as the baseline; per target = (RSS - baseline) / (count - 1).
# Targets are scheduled every 24 h, so next to none run during the
# measurement: this is the per-target configuration, runner, schedule and
# store. A count the configuration loader refuses (over its target cap) is printed
# with the loader's message.
#
# BENCH_RSS_AFTER_RUN=1 adds what a target keeps once it has run (its last
# run, history and /metrics series, and what malloc holds after the workers'
# bursts): the targets are checked every BENCH_RSS_INTERVAL seconds (60)
# against the emulator, and after one interval and one /metrics scrape (as
# scripts/bench_exporter.sh measures its many-target runs) the RSS is read
# again; added per target = (RSS after - RSS when ready) / count.
#
# Quiet machine and binaries: scripts/bench_common.sh (memory depends little
# on load, but the rule is one rule). BENCH_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."

counts="${BENCH_RSS_TARGETS:-10000 50000}"
after_run="${BENCH_RSS_AFTER_RUN:-0}"
interval_s="${BENCH_RSS_INTERVAL:-60}"
interval_s="${interval_s%s}"

# shellcheck source=scripts/bench_common.sh
. scripts/bench_common.sh
bench_binaries build/bench \
  'cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo && ninja -C build/bench -j2 pushprobe-exporter pushprobe-emulator' \
  exporters/pushprobe-exporter tests/emulator/pushprobe-emulator
bin="$bench_bin"
bench_load_check

bench_workdir bench-rss

# The lab's files; the emulator is served only for the after-run figures.
"$bin/tests/emulator/pushprobe-emulator" lab --dir "$work/lab" --port 0 >/dev/null
port=1 every=24h
if [ "$after_run" = 1 ]; then
  bench_emulator "$work/lab" "$work/emulator.log"
  port="$emulator_port"
  every="${interval_s}s"
fi

# ready_rss COUNT: prints the RSS in KB once ready, or "refused: MESSAGE";
# with BENCH_RSS_AFTER_RUN=1, then the RSS in KB once every target has run
# once and the number of runs.
ready_rss() {
  local config="$work/targets-$1.yml" check rss after runs
  python3 bench/exporter/bench_report.py config "$work/lab" "$port" "$1" "$every" 10s >"$config"
  if ! check="$("$bin/exporters/pushprobe-exporter" --config.file="$config" --config.check 2>&1)"; then
    echo "refused: $(tr '\n' ' ' <<<"$check" | cut -c1-300)"
    return 0
  fi
  bench_exporter "$config" 127.0.0.1:19621 "$work/exporter.log"
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$exporter/status")
  if [ "$after_run" = 1 ] && [ "$1" -gt 1 ]; then
    sleep $((interval_s + 2))
    curl -fs http://127.0.0.1:19621/metrics >"$work/metrics.prom"
    runs=$(python3 bench/exporter/bench_report.py total pushprobe_exporter_runs_total \
      <"$work/metrics.prom")
    after=$(awk '/VmRSS/ {print $2}' "/proc/$exporter/status")
    rss="$rss $after $runs"
  fi
  bench_stop_exporter
  echo "$rss"
}

mb() { python3 -c "print(f'{$1 / 1024:.1f}')"; }
base=$(ready_rss 1)
if [ "$after_run" = 1 ]; then
  printf '%-10s %12s %16s %14s %16s %12s\n' targets "RSS MB" "KB per target" \
    "after run MB" "KB added per run" runs
else
  printf '%-10s %12s %16s\n' targets "RSS MB" "KB per target"
fi
printf '%-10s %12s %16s\n' 1 "$(mb "$base")" ""
for n in $counts; do
  line=$(ready_rss "$n")
  if [[ "$line" == refused:* ]]; then
    printf '%-10s %s\n' "$n" "REFUSED by the configuration loader: ${line#refused: }"
    continue
  fi
  read -r rss after runs <<<"$line"
  printf '%-10s %12s %16s' "$n" "$(mb "$rss")" \
    "$(python3 -c "print(f'{($rss - $base) / ($n - 1):.2f}')")"
  if [ "$after_run" = 1 ]; then
    printf ' %14s %16s %12s' "$(mb "$after")" \
      "$(python3 -c "print(f'{($after - $rss) / $n:.2f}')")" "$runs"
    [ "$runs" -ge "$n" ] || printf '  (only %s of %s targets ran: raise BENCH_RSS_INTERVAL)' "$runs" "$n"
  fi
  printf '\n'
done
echo "resident memory once ready, before any check ran$([ "$after_run" = 1 ] &&
  echo "; after one interval of ${interval_s} s and one scrape, every target having run")$(bench_verdict_suffix)"
bench_load_report
