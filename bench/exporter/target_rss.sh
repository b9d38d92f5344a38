#!/usr/bin/env bash
# What a target costs the exporter before any check runs: resident memory once
# /-/ready answers, for each count in BENCH_RSS_TARGETS ("10000 50000"), with
# one target as the baseline; per target = (RSS - baseline) / (count - 1).
# Targets are scheduled every 24 h, so next to none run during the
# measurement: this is the per-target configuration, runner, schedule and
# store. A count the configuration loader refuses (over its target cap) is printed
# with the loader's message.
#
# Quiet machine and binaries: scripts/bench_common.sh (memory depends little
# on load, but the rule is one rule). BENCH_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."

counts="${BENCH_RSS_TARGETS:-10000 50000}"

# shellcheck source=scripts/bench_common.sh
. scripts/bench_common.sh
bench_binaries build/bench \
  'cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo && ninja -C build/bench -j2 pushprobe-exporter pushprobe-emulator' \
  exporters/pushprobe-exporter tests/emulator/pushprobe-emulator
bin="$bench_bin"
bench_load_check

work="$(mktemp -d /tmp/pushprobe-bench-rss.XXXXXX)"
exporter=""
cleanup() {
  [ -n "$exporter" ] && kill "$exporter" 2>/dev/null || true
  wait 2>/dev/null || true
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

# The lab's files only: the targets never run, so no emulator is served.
"$bin/tests/emulator/pushprobe-emulator" lab --dir "$work/lab" --port 0 >/dev/null

# ready_rss COUNT: prints the RSS in KB once ready, or "refused: MESSAGE".
ready_rss() {
  local config="$work/targets-$1.yml" check rss
  python3 bench/exporter/bench_report.py config "$work/lab" 1 "$1" 24h 10s >"$config"
  if ! check="$("$bin/exporters/pushprobe-exporter" --config.file="$config" --config.check 2>&1)"; then
    echo "refused: $(tr '\n' ' ' <<<"$check" | cut -c1-300)"
    return 0
  fi
  "$bin/exporters/pushprobe-exporter" --config.file="$config" --web.listen-address=127.0.0.1:19621 \
    --log.level=error >"$work/exporter.log" 2>&1 &
  exporter=$!
  for _ in $(seq 1 1200); do
    curl -fs http://127.0.0.1:19621/-/ready >/dev/null 2>&1 && break
    kill -0 "$exporter" 2>/dev/null || { cat "$work/exporter.log" >&2; exit 1; }
    sleep 0.05
  done
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$exporter/status")
  kill "$exporter"
  wait "$exporter" 2>/dev/null || true
  exporter=""
  echo "$rss"
}

base=$(ready_rss 1)
printf '%-10s %12s %16s\n' targets "RSS MB" "KB per target"
printf '%-10s %12s %16s\n' 1 "$(python3 -c "print(f'{$base / 1024:.1f}')")" ""
for n in $counts; do
  rss=$(ready_rss "$n")
  if [[ "$rss" == refused:* ]]; then
    printf '%-10s %s\n' "$n" "REFUSED by the configuration loader: ${rss#refused: }"
    continue
  fi
  printf '%-10s %12s %16s\n' "$n" "$(python3 -c "print(f'{$rss / 1024:.1f}')")" \
    "$(python3 -c "print(f'{($rss - $base) / ($n - 1):.2f}')")"
done
echo "resident memory once ready, before any check ran$(bench_verdict_suffix)"
bench_load_report
