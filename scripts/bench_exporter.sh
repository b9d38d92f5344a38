#!/usr/bin/env bash
# Benchmark of pushprobe-exporter against the bundled Office 365 emulator,
# side by side with Debian's prometheus-blackbox-exporter (issue 3, section 5).
# Not a timed test: prints the figures and the ratios to the targets.
#
#   1. CPU time per full check (/probe: fresh token, verified TLS) against
#      blackbox_exporter's CPU time per single-GET /probe of the same HTTPS
#      endpoint (the emulator's metadata document).   target: ratio <= 1.0
#   2. Sustained full checks per second (scheduled).   target: >= 600/s
#   3. 10,000 targets: /metrics scrape time (<= 100 ms), resident memory
#      (<= 64 MB), start-time error of scheduled runs (p99 < 50 ms).
#
# Environment: BENCH_PROBES (default 300), BENCH_SUSTAIN_TARGETS (2000),
# BENCH_TARGETS (10000), BENCH_WORKERS (16, the exporter's default
# --scheduler.workers), BENCH_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."

probes="${BENCH_PROBES:-300}"
sustain_targets="${BENCH_SUSTAIN_TARGETS:-2000}"
many="${BENCH_TARGETS:-10000}"
workers="${BENCH_WORKERS:-16}"

scripts/setup.sh prometheus-blackbox-exporter curl
bin="${BENCH_BUILD_DIR:-build/bench}"
echo "== building $bin (RelWithDebInfo)"
cmake -S . -B "$bin" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$bin" pushprobe-exporter pushprobe-emulator >/dev/null
report=bench/exporter/bench_report.py

work="$(mktemp -d /tmp/pushprobe-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

wait_for() {  # wait_for FILE PATTERN PID
  for _ in $(seq 1 200); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { cat "$1"; exit 1; }
    sleep 0.05
  done
  echo "timed out waiting for '$2' in $1" >&2
  exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# Busy and total jiffies of the whole machine, to tell how much CPU others took.
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
per_check_ms() { python3 -c "print(f'{($2 - $1) * 1000 / $hz / max($3, 1):.3f}')"; }
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

lab="$work/lab"
"$bin/tests/emulator/pushprobe-emulator" lab --dir "$lab" --port 0 >/dev/null
"$bin/tests/emulator/pushprobe-emulator" serve --lab "$lab" >"$work/emulator.log" 2>&1 &
emulator=$!
pids+=("$emulator")
wait_for "$work/emulator.log" "listening on" "$emulator"
port="$(grep -o '127.0.0.1:[0-9]*' "$lab/pushprobe.yml" | head -n 1 | cut -d: -f2)"
echo "== emulator on 127.0.0.1:$port, work dir $work"

# The exporter's web side: plain HTTP, or TLS with basic auth once
# use_web_tls is called (the figures of issue 11: checks must not move).
scheme=http
web=()
use_web_tls() {
  local hash
  hash="$(python3 -W ignore -c "import crypt; print(crypt.crypt('bench-secret', crypt.mksalt(crypt.METHOD_BLOWFISH)))")"
  cat >"$work/web.yml" <<YML
tls_server_config:
  cert_file: $lab/server.pem
  key_file: $lab/server.key
basic_auth_users:
  bench: '$hash'
YML
  scheme=https
  web=(-k -u bench:bench-secret)
}

start_exporter() {  # start_exporter CONFIG LISTEN LOG [flags...]
  local config="$1" listen="$2" log="$3"
  shift 3
  local tls=()
  [ "$scheme" = https ] && tls=(--web.config.file="$work/web.yml")
  "$bin/exporters/pushprobe-exporter" --config.file="$config" --web.listen-address="$listen" \
    --log.level=error "${tls[@]}" "$@" >"$log" 2>&1 &
  exporter=$!
  pids+=("$exporter")
  for _ in $(seq 1 200); do
    curl -fs "${web[@]}" "$scheme://$listen/-/ready" >/dev/null 2>&1 && return 0
    kill -0 "$exporter" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.05
  done
  exit 1
}
stop_exporter() { kill "$exporter"; wait "$exporter" 2>/dev/null || true; }

# 1. CPU per check, pushprobe /probe against blackbox /probe.
python3 "$report" config "$lab" "$port" 1 1h 10s >"$work/one.yml"
# Every /probe must run the check: no sharing of a recent result.
# per_probe PORT: sets pp_cpu_ms, pp_emu_ms, fails.
per_probe() {
  local warm t0 t1 e0 e1 last
  start_exporter "$work/one.yml" "127.0.0.1:$1" "$work/exporter1.log" --web.probe-min-interval=0
  # Whole bodies are captured before grep: grep -q exiting early would make
  # curl fail with SIGPIPE, and pipefail would count that as a failed check.
  warm="$(curl -fs "${web[@]}" "$scheme://127.0.0.1:$1/probe?target=org-00000" || true)"
  grep -q '^probe_success{target="org-00000"} 1' <<<"$warm" \
    || { echo "the warm-up check failed:"; curl -s "${web[@]}" "$scheme://127.0.0.1:$1/probe?target=org-00000&debug=true"; exit 1; }
  t0=$(cpu_ticks "$exporter")
  e0=$(cpu_ticks "$emulator")
  for _ in $(seq 1 "$probes"); do curl -fs -o /dev/null "${web[@]}" "$scheme://127.0.0.1:$1/probe?target=org-00000"; done
  t1=$(cpu_ticks "$exporter")
  e1=$(cpu_ticks "$emulator")
  last="$(curl -fs "${web[@]}" "$scheme://127.0.0.1:$1/probe?target=org-00000" || true)"
  fails=$(grep -c '^probe_success{target="org-00000"} 1' <<<"$last" | awk '{print 1 - $1}')
  stop_exporter
  pp_cpu_ms=$(per_check_ms "$t0" "$t1" "$probes")
  pp_emu_ms=$(per_check_ms "$e0" "$e1" "$probes")
}
per_probe 19601


cat >"$work/blackbox.yml" <<YML
modules:
  https_get:
    prober: http
    timeout: 10s
    http:
      method: GET
      valid_status_codes: [200]
      tls_config:
        ca_file: $lab/ca.pem
YML
/usr/bin/prometheus-blackbox-exporter --config.file="$work/blackbox.yml" \
  --web.listen-address=127.0.0.1:19602 >"$work/blackbox.log" 2>&1 &
blackbox=$!
pids+=("$blackbox")
for _ in $(seq 1 200); do curl -fs http://127.0.0.1:19602/-/healthy >/dev/null 2>&1 && break; sleep 0.05; done
bb_target="https%3A%2F%2F127.0.0.1%3A$port%2Fmetadata%2Fjson%2F1%2F%3Frealm%3Dfabrikam.com"
warm="$(curl -fs "http://127.0.0.1:19602/probe?module=https_get&target=$bb_target" || true)"
grep -q '^probe_success 1' <<<"$warm" \
  || { echo "blackbox warm-up probe failed:"; curl -s "http://127.0.0.1:19602/probe?module=https_get&target=$bb_target&debug=true"; exit 1; }
t0=$(cpu_ticks "$blackbox")
e0=$(cpu_ticks "$emulator")
for _ in $(seq 1 "$probes"); do curl -fs -o /dev/null "http://127.0.0.1:19602/probe?module=https_get&target=$bb_target"; done
t1=$(cpu_ticks "$blackbox")
e1=$(cpu_ticks "$emulator")
kill "$blackbox"
bb_cpu_ms=$(per_check_ms "$t0" "$t1" "$probes")
bb_emu_ms=$(per_check_ms "$e0" "$e1" "$probes")

# 2. Sustained scheduled full checks per second, with the default
# tls_max_version (TLS 1.2, as Exchange) and again offering TLS 1.3.
# sustain CONFIG LISTEN: sets rate, sus_exp_ms, sus_emu_ms, ours_cores, others_cores.
sustain() {
  start_exporter "$1" "$2" "$work/exporter2.log" --scheduler.workers="$workers"
  sleep 4
  # Each end of the window is a /metrics body saved with the time and the CPU
  # counters read right after it; the bodies are parsed once the window is
  # closed. Parsing in between (seconds on a saturated machine) would stretch
  # the window past the 10 s the rate is divided by.
  snapshot() { curl -fs "${web[@]}" -o "$1" "$scheme://$2/metrics" && date +%s.%N; }
  local w0 w1 t0 t1 e0 e1 s0 s1 m0_busy m0_total m1_busy m1_total
  w0=$(snapshot "$work/sustain0.prom" "$2")
  t0=$(cpu_ticks "$exporter")
  e0=$(cpu_ticks "$emulator")
  read -r m0_busy m0_total < <(machine_ticks)
  sleep 10
  w1=$(snapshot "$work/sustain1.prom" "$2")
  t1=$(cpu_ticks "$exporter")
  e1=$(cpu_ticks "$emulator")
  read -r m1_busy m1_total < <(machine_ticks)
  stop_exporter
  s0=$(python3 "$report" successes <"$work/sustain0.prom")
  s1=$(python3 "$report" successes <"$work/sustain1.prom")
  rate=$(python3 -c "print(f'{($s1 - $s0) / ($w1 - $w0):.0f}')")
  sus_exp_ms=$(per_check_ms "$t0" "$t1" "$((s1 - s0))")
  sus_emu_ms=$(per_check_ms "$e0" "$e1" "$((s1 - s0))")
  # What the two took, in cores: rate x CPU per check can be no more than this.
  ours_cores=$(python3 -c "print(f'{(($t1 - $t0) + ($e1 - $e0)) / $hz / ($w1 - $w0):.2f}')")
  # CPU the rest of the machine (other engineers' builds) took meanwhile, in cores.
  others_cores=$(python3 -c "print(f'{(($m1_busy - $m0_busy) - ($t1 - $t0) - ($e1 - $e0)) / ($m1_total - $m0_total) * $(nproc):.2f}')")
}
python3 "$report" config "$lab" "$port" "$sustain_targets" 2s 2s "1.3" >"$work/sustain13.yml"
sustain "$work/sustain13.yml" 127.0.0.1:19605
rate13="$rate" sus13_exp_ms="$sus_exp_ms" sus13_emu_ms="$sus_emu_ms"
python3 "$report" config "$lab" "$port" "$sustain_targets" 2s 2s >"$work/sustain.yml"
sustain "$work/sustain.yml" 127.0.0.1:19603

# 1 and 2 again with TLS and basic auth on the exporter's web side
# (BENCH_WEB_TLS=0 leaves this out): the per-check figure then includes a TLS
# handshake and an authorization per /probe call; the scheduled checks should
# not move, since only the /metrics snapshots pass through TLS.
if [ "${BENCH_WEB_TLS:-1}" = 1 ]; then
  saved=("$pp_cpu_ms" "$pp_emu_ms" "$fails" "$rate" "$sus_exp_ms" "$sus_emu_ms" "$ours_cores" "$others_cores")
  use_web_tls
  per_probe 19606
  tls_pp_cpu_ms="$pp_cpu_ms" tls_fails="$fails"
  sustain "$work/sustain.yml" 127.0.0.1:19607
  tls_rate="$rate" tls_sus_exp_ms="$sus_exp_ms" tls_sus_emu_ms="$sus_emu_ms"
  [ "$tls_fails" = 0 ] || echo "note: the last /probe over TLS failed; its CPU figure may be off"
  scheme=http web=()
  read -r pp_cpu_ms pp_emu_ms fails rate sus_exp_ms sus_emu_ms ours_cores others_cores <<<"${saved[*]}"
fi

# 3. 10,000 targets: scrape time, memory, start-time error.
python3 "$report" config "$lab" "$port" "$many" 60s 10s >"$work/many.yml"
start_exporter "$work/many.yml" 127.0.0.1:19604 "$work/exporter3.log" --scheduler.workers="$workers"
# Configuration, runners and schedule only: the first targets' runs have
# barely started when the exporter reports ready.
ready_mb=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$exporter/status")
echo "== $many targets: waiting one interval (60 s) for every target to run"
sleep 62
runs=$(curl -fs http://127.0.0.1:19604/metrics | python3 "$report" total pushprobe_exporter_runs_total)
# The scrape is timed as a scraper sees it that takes the body as it comes
# (Prometheus parses it in memory): curl reads it to /dev/null. Writing 34 MB
# to a file is the client's own work; that time is shown beside it.
median_ms() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]*1000}'; }
scrapes=()
for _ in 1 2 3 4 5; do
  scrapes+=("$(curl -fs -o /dev/null -w '%{time_total}' http://127.0.0.1:19604/metrics)")
done
scrape_ms=$(printf '%s\n' "${scrapes[@]}" | median_ms)
to_file=()
for _ in 1 2 3; do
  to_file+=("$(curl -fs -o "$work/many.prom" -w '%{time_total}' http://127.0.0.1:19604/metrics)")
done
scrape_file_ms=$(printf '%s\n' "${to_file[@]}" | median_ms)
scrape_bytes=$(stat -c %s "$work/many.prom")
# The same scrape gzipped, as Prometheus asks for it: its size and time, and
# the exporter's CPU per scrape beside a plain scrape's. Scheduled runs go on
# during both, so the difference is what gzip costs.
cpu_per_scrape_ms() {  # cpu_per_scrape_ms CURL_ARGS...
  local c0 c1
  c0=$(cpu_ticks "$exporter")
  for _ in 1 2 3 4 5; do curl -fs -o /dev/null "$@" http://127.0.0.1:19604/metrics; done
  c1=$(cpu_ticks "$exporter")
  python3 -c "print(f'{($c1 - $c0) * 1000 / $hz / 5:.1f}')"
}
plain_cpu_ms=$(cpu_per_scrape_ms)
gzip_cpu_ms=$(cpu_per_scrape_ms -H 'Accept-Encoding: gzip')
gzipped=()
for _ in 1 2 3 4 5; do
  gzipped+=("$(curl -fs -H 'Accept-Encoding: gzip' -o "$work/many.prom.gz" -w '%{time_total}' http://127.0.0.1:19604/metrics)")
done
scrape_gzip_ms=$(printf '%s\n' "${gzipped[@]}" | median_ms)
scrape_gzip_bytes=$(stat -c %s "$work/many.prom.gz")
rss_mb=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$exporter/status")
hwm_mb=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$exporter/status")
read -r p99_ms within_pct delays < <(python3 "$report" p99 <"$work/many.prom")
stop_exporter

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
verdict() {  # verdict VALUE OP TARGET
  python3 -c "import operator as o; print('PASS' if {'<=': o.le, '<': o.lt, '>=': o.ge}['$2']($1, $3) else 'MISS')"
}
row() { printf '%-62s %10s %8s %7s  %s\n' "$@"; }
cpu_ratio="$(ratio "$pp_cpu_ms" "$bb_cpu_ms")"
echo
echo "pushprobe-exporter benchmark ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo "load average at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg); --scheduler.workers=$workers"
row "figure" "measured" "target" "ratio" "verdict"
row "CPU per full check, pushprobe /probe (ms)" "$pp_cpu_ms" "" "" ""
row "CPU per single GET, blackbox_exporter /probe (ms)" "$bb_cpu_ms" "" "" ""
row "  CPU ratio pushprobe / blackbox" "$cpu_ratio" "<= 1.0" "$cpu_ratio" "$(verdict "$cpu_ratio" '<=' 1.0)"
row "  emulator CPU per pushprobe check / per blackbox GET (ms)" "$pp_emu_ms / $bb_emu_ms" "" "" ""
row "sustained successful full checks per second" "$rate" ">= 600" "$(ratio "$rate" 600)" "$(verdict "$rate" '>=' 600)"
row "  CPU per sustained check, exporter + emulator (ms)" "$sus_exp_ms + $sus_emu_ms" "" "" ""
row "  cores taken by exporter + emulator meanwhile" "$ours_cores" "" "" ""
row "  the same offering TLS 1.3 (tls_max_version 1.3), checks/s" "$rate13" "" "" ""
row "    CPU per check, exporter + emulator (ms)" "$sus13_exp_ms + $sus13_emu_ms" "" "" ""
row "  cores taken by other processes meanwhile" "$others_cores" "" "" ""
if [ "${BENCH_WEB_TLS:-1}" = 1 ]; then
  row "with --web.config.file (TLS + basic auth on the web side):" "" "" "" ""
  row "  CPU per full check, pushprobe /probe over HTTPS (ms)" "$tls_pp_cpu_ms" "" "" ""
  row "  sustained checks/s; CPU per check, exporter + emulator (ms)" "$tls_rate; $tls_sus_exp_ms + $tls_sus_emu_ms" "" "" ""
fi
row "/metrics scrape, $many targets, median of 5 (ms)" "$scrape_ms" "<= 100" "$(ratio "$scrape_ms" 100)" "$(verdict "$scrape_ms" '<=' 100)"
row "  exposition size (bytes)" "$scrape_bytes" "" "" ""
row "  the same written to a file by curl, median of 3 (ms)" "$scrape_file_ms" "" "" ""
row "  gzipped (Accept-Encoding: gzip), median of 5 (ms)" "$scrape_gzip_ms" "" "" ""
row "  gzipped size (bytes)" "$scrape_gzip_bytes" "" "" ""
row "  exporter CPU per scrape, plain / gzipped (ms, scheduled runs included)" "$plain_cpu_ms / $gzip_cpu_ms" "" "" ""
row "resident memory, $many targets (MB; peak $hwm_mb)" "$rss_mb" "<= 64" "$(ratio "$rss_mb" 64)" "$(verdict "$rss_mb" '<=' 64)"
row "  resident memory at start, before the checks ran (MB)" "$ready_mb" "" "" ""
row "start-time error p99 (ms; $within_pct% <= 50 ms of $delays runs)" "$p99_ms" "< 50" "$(ratio "$p99_ms" 50)" "$(verdict "$p99_ms" '<' 50)"
row "scheduled runs in the first interval (of $many)" "$runs" "" "" ""
[ "$fails" = 0 ] || echo "note: the last /probe of phase 1 failed; CPU figures may be off"
python3 -c "import sys; sys.exit(0 if float('$others_cores') < 0.3 else 1)" ||
  echo "note: other processes took $others_cores cores during phase 2; the throughput and latency figures are low by roughly that share, CPU per check less so"
