#!/usr/bin/env bash
# Soak (issue 10): the exporter against the emulator for a bounded time while
# a random fault is switched in every few seconds (statuses, bodies that do
# not parse, slow answers, resets, refused tokens, at every stage), sampling
# the exporter's resident memory, open fds and threads and timing /metrics.
# Prints the first and last third of the run side by side and a verdict:
# FLAT, or NOT FLAT naming what grew (bench/soak/soak.py says how it judges).
# Not a timed test; a leak shows as growth, so the longer the better.
#
# Environment: SOAK_SECONDS (default 600), SOAK_TARGETS (200), SOAK_INTERVAL
# (1s: every target's run interval), SOAK_SWITCH_SECONDS (3, on average),
# SOAK_SAMPLE_SECONDS (5), SOAK_SEED (random), SOAK_KEEP=1 keeps the work
# directory; BENCH_BUILD_DIR as for every benchmark (scripts/bench_common.sh:
# use the binaries there, build nothing; default: build/bench, built here as
# RelWithDebInfo). Exits 0 on FLAT.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${SOAK_SECONDS:-600}"
targets="${SOAK_TARGETS:-200}"
interval="${SOAK_INTERVAL:-1s}"
seed="${SOAK_SEED:-$RANDOM}"

# shellcheck source=scripts/bench_common.sh
. scripts/bench_common.sh
bench_binaries build/bench \
  'cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo && ninja -C build/bench -j2 pushprobe-exporter pushprobe-emulator' \
  exporters/pushprobe-exporter tests/emulator/pushprobe-emulator
bin="$bench_bin"

bench_workdir soak "${SOAK_KEEP:-0}"


# Growth, not speed, is judged here, so a busy machine does not stop the run;
# its load is printed beside the figures all the same.
bench_load_before="$(bench_load1)"
lab="$work/lab"
bench_emulator "$lab" "$work/emulator.log"
port="$emulator_port"

# Each run's timeout is its interval, so a slow fault ends runs by their
# deadline rather than piling them up.
python3 bench/exporter/bench_report.py config "$lab" "$port" "$targets" "$interval" "$interval" \
  >"$work/soak.yml"
listen=127.0.0.1:19612
bench_exporter "$work/soak.yml" "$listen" "$work/exporter.log"

echo "== soak: $seconds s, $targets targets every $interval, a random fault every ~${SOAK_SWITCH_SECONDS:-3} s (seed $seed)"
status=0
python3 bench/soak/soak.py "$exporter" "$listen" "$port" "$lab" "$seconds" "$seed" || status=$?
kill -0 "$exporter" 2>/dev/null || { echo "the exporter died:"; cat "$work/exporter.log"; exit 1; }
bench_load_report
exit "$status"
