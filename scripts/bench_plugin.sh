#!/usr/bin/env bash
# Benchmark of check_exchange_push against the bundled Office 365 emulator,
# side by side in one run with Debian's monitoring-plugins (issue 4, section 4).
# Not a timed test: prints the figures and the ratios to the targets.
#
#   check_exchange_push  one full check: Auth certificate, metadata GET, Bearer
#                        challenge, token POST (RS256 assertion), publish POST,
#                        every connection verified TLS
#   check_curl           one verified HTTPS GET (--ca-cert, -D) of the metadata URL
#   check_http           one unverified HTTPS GET of the same URL
#
# Targets: wall-time ratio against check_curl <= 1.0; peak memory <= check_curl's.
# Also prints the plugin's time before main (LD_DEBUG=statistics, -V runs).
# The commands run interleaved, round by round (bench/plugin/measure.py), so a
# change of load during the run weighs on all of them alike.
#
# Quiet machine and binaries: scripts/bench_common.sh (refuses to start above
# a 1-minute load of 0.5 unless BENCH_ALLOW_NOISY=1, and the verdicts then say
# NOT QUIET; BENCH_BUILD_DIR=DIR uses the binaries in DIR and builds nothing,
# else the release preset is built).
#
# Environment: BENCH_RUNS (default 200), BENCH_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${BENCH_RUNS:-200}"

# shellcheck source=scripts/bench_common.sh
. scripts/bench_common.sh
# check_curl needs liburiparser1, only a Recommends of monitoring-plugins-standard.
scripts/setup.sh monitoring-plugins-basic monitoring-plugins-standard liburiparser1
bench_binaries build/release 'scripts/build.sh release check_exchange_push pushprobe-emulator' \
  nagios/check_exchange_push tests/emulator/pushprobe-emulator
bin="$bench_bin"
plugins=/usr/lib/nagios/plugins
measure=bench/plugin/measure.py

bench_workdir bench-plugin

lab="$work/lab"
bench_emulator "$lab" "$work/emulator.log"
port="$emulator_port"
target="$(grep -m1 -o 'name: *[^ ]*' "$lab/pushprobe.yml" | awk '{print $2}')"
echo "== emulator on 127.0.0.1:$port, lab $lab, target $target"

acs=accounts.accesscontrol.windows.net
path='/metadata/json/1/?realm=fabrikam.com'
plugin=("$bin/nagios/check_exchange_push" --config "$lab/pushprobe.yml" --target "$target")
curl_cmd=("$plugins/check_curl" -H "$acs" -I 127.0.0.1 -p "$port" -S -u "$path"
          --ca-cert "$lab/ca.pem" -D)
http_cmd=("$plugins/check_http" -H "$acs" -I 127.0.0.1 -p "$port" -S -u "$path")

for cmd in plugin curl_cmd http_cmd; do
  declare -n argv="$cmd"
  out="$("${argv[@]}" 2>&1)" && code=0 || code=$?
  echo "-- $(basename "${argv[0]}") exits $code: ${out%%$'\n'*}"
  [ "$code" = 0 ] || { echo "warm-up check failed" >&2; exit 1; }
done

bench_load_check
echo "== $runs rounds, each running the plugin, check_curl, check_http and plugin -V in turn"
figures="$(python3 "$measure" "$runs" -- 0 "${plugin[@]}" ::: 0 "${curl_cmd[@]}" ::: \
           0 "${http_cmd[@]}" ::: 3 "$bin/nagios/check_exchange_push" -V)"
ld="$(LD_DEBUG=statistics "$bin/nagios/check_exchange_push" -V 2>&1 >/dev/null |
      grep -m1 'total startup time in dynamic loader' | grep -o '[0-9]* cycles' || true)"

python3 - "$figures" "$ld" "$(bench_verdict_suffix)" <<'PY'
import json, sys
pp, cc, ch, ver = json.loads(sys.argv[1])
ld = sys.argv[2]
quiet = sys.argv[3]
rows = [("check_exchange_push (full check)", pp), ("check_curl (1 verified GET)", cc),
        ("check_http (1 unverified GET)", ch), ("check_exchange_push -V (startup)", ver)]
print(f"{'command':36} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>8} {'peak RSS KB':>12} "
      f"{'bad exits':>10}")
for name, r in rows:
    print(f"{name:36} {r['median_ms']:>10.3f} {r['p90_ms']:>8.3f} {r['cpu_median_ms']:>8.3f} "
          f"{r['max_rss_kb']:>12} {r['unexpected_exits']:>10}")
wall = pp["median_ms"] / cc["median_ms"]
mem = pp["max_rss_kb"] / cc["max_rss_kb"]
print()
print(f"wall ratio plugin/check_curl   {wall:.2f}  (target <= 1.0: {'met' if wall <= 1.0 else 'NOT met'}{quiet})")
print(f"wall ratio plugin/check_http   {pp['median_ms'] / ch['median_ms']:.2f}")
print(f"peak memory plugin/check_curl  {mem:.2f}  (target <= 1.0: {'met' if mem <= 1.0 else 'NOT met'}{quiet})")
print(f"plugin startup: -V run median {ver['median_ms']:.3f} ms; dynamic loader {ld or 'n/a'}")
PY
bench_load_report
