#!/usr/bin/env bash
# The exporter's web listener under abuse (issue 10): 1,000 idle connections,
# 100 slowloris connections and a /probe flood against a slow upstream at
# once, while /metrics is timed. Target: every scrape under 1 s.
# Not a timed test: prints the figures and a verdict. Quiet machine and
# binaries: scripts/bench_common.sh (refuses to start above a 1-minute load of
# 0.5 unless BENCH_ALLOW_NOISY=1, and the verdict then says NOT QUIET;
# BENCH_BUILD_DIR=DIR uses the binaries in DIR and builds nothing, else
# build/bench is built as RelWithDebInfo).
#
# Environment: BENCH_SECONDS (default 30), BENCH_TARGETS (50), BENCH_IDLE
# (1000), BENCH_SLOWLORIS (100), BENCH_PROBE_CLIENTS (64), BENCH_KEEP=1 keeps
# the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${BENCH_SECONDS:-30}"
targets="${BENCH_TARGETS:-50}"
idle="${BENCH_IDLE:-1000}"
slowloris="${BENCH_SLOWLORIS:-100}"
probe_clients="${BENCH_PROBE_CLIENTS:-64}"

# shellcheck source=scripts/bench_common.sh
. scripts/bench_common.sh
bench_binaries build/bench \
  'cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo && ninja -C build/bench -j2 pushprobe-exporter pushprobe-emulator' \
  exporters/pushprobe-exporter tests/emulator/pushprobe-emulator
bin="$bench_bin"
# The client side holds over a thousand sockets.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $((idle + slowloris + probe_clients + 64)) ] ||
  { echo "ulimit -n is $(ulimit -n); this needs $((idle + slowloris + probe_clients + 64))"; exit 1; }

bench_workdir bench-web


bench_load_check
lab="$work/lab"
# A slow upstream: every token request waits 2 s, so on-demand runs pile up.
bench_emulator "$lab" "$work/emulator.log" --fault token:slow:2s
port="$emulator_port"

# Scheduled every hour: the on-demand flood is the load here.
python3 bench/exporter/bench_report.py config "$lab" "$port" "$targets" 1h 10s >"$work/web.yml"
listen=127.0.0.1:19611
bench_exporter "$work/web.yml" "$listen" "$work/exporter.log"

echo "== $seconds s: $idle idle, $slowloris slowloris, $probe_clients /probe clients on $listen"
verdict=PASS
python3 bench/web/abuse.py "${listen##*:}" "$targets" "$seconds" "$idle" "$slowloris" \
  "$probe_clients" || verdict=MISS
curl -fs "http://$listen/metrics" | grep -E '^pushprobe_exporter_(http_connections|probe_requests_total)' || true
kill -0 "$exporter" 2>/dev/null || { echo "the exporter died:"; cat "$work/exporter.log"; exit 1; }
bench_load_report
echo "verdict: $verdict: every /metrics under 1 s with the listener abused$(bench_verdict_suffix)"
