# Shared by the benchmark scripts (sourced, not run): the load check, and the
# binaries to measure. One home for both rules, so every script judges "quiet"
# and treats BENCH_BUILD_DIR the same way.
#
# Quiet: the 1-minute load average before the run is at most
# BENCH_QUIET_LOAD (0.5). A busier machine slows every process, the compared
# ones unevenly (page faults, cache misses), so its figures mislead: a
# benchmark refuses to start then, unless BENCH_ALLOW_NOISY=1, and a run that
# went ahead marks its verdict "NOT QUIET". The load after the run is printed,
# not judged: it includes the benchmark's own work.
#
# Binaries: BENCH_BUILD_DIR=DIR means "use the binaries in DIR, build
# nothing"; a missing one is an error naming it. Without it, the caller's own
# build runs.

bench_quiet_load="${BENCH_QUIET_LOAD:-0.5}"

bench_load1() { cut -d' ' -f1 /proc/loadavg; }

# bench_load_check: records and prints the load before the run; refuses a busy
# machine unless BENCH_ALLOW_NOISY=1. Sets bench_load_before, bench_quiet.
bench_load_check() {
  bench_load_before="$(bench_load1)"
  if python3 -c "import sys; sys.exit(0 if $bench_load_before <= $bench_quiet_load else 1)"; then
    bench_quiet=1
    echo "== load average (1 min) before the run: $bench_load_before ($(nproc) cores): quiet"
    return 0
  fi
  bench_quiet=0
  if [ "${BENCH_ALLOW_NOISY:-0}" != 1 ]; then
    echo "the 1-minute load average is $bench_load_before (> $bench_quiet_load on $(nproc) cores):" \
      "the figures would not be comparable. Wait for a quiet machine, or set" \
      "BENCH_ALLOW_NOISY=1 to run anyway (the verdict then says NOT QUIET)." >&2
    exit 2
  fi
  echo "== load average (1 min) before the run: $bench_load_before ($(nproc) cores):" \
    "NOT QUIET (BENCH_ALLOW_NOISY=1)"
}

# bench_load_report: the line every script ends its figures with.
bench_load_report() {
  echo "load average (1 min) before $bench_load_before, after $(bench_load1) ($(nproc) cores)"
}

# bench_verdict_suffix: appended to each verdict ("" on a quiet machine).
bench_verdict_suffix() {
  [ "$bench_quiet" = 1 ] || echo " (NOT QUIET: load $bench_load_before before the run)"
}

# bench_binaries DEFAULT_DIR BUILD_COMMAND REL_PATH...: sets bench_bin. With
# BENCH_BUILD_DIR, checks that each REL_PATH exists and is executable there
# and builds nothing; without it, runs BUILD_COMMAND (a string, eval'd) and
# uses DEFAULT_DIR.
bench_binaries() {
  local default_dir="$1" build="$2"
  shift 2
  if [ -n "${BENCH_BUILD_DIR:-}" ]; then
    bench_bin="$BENCH_BUILD_DIR"
    local missing=()
    for rel in "$@"; do [ -x "$bench_bin/$rel" ] || missing+=("$bench_bin/$rel"); done
    if [ "${#missing[@]}" -gt 0 ]; then
      echo "BENCH_BUILD_DIR=$BENCH_BUILD_DIR means 'use these binaries, build nothing', and" \
        "it lacks: ${missing[*]}. Build them there, or unset BENCH_BUILD_DIR to build $default_dir." >&2
      exit 2
    fi
    echo "== using the binaries in $bench_bin (BENCH_BUILD_DIR; nothing built)"
  else
    bench_bin="$default_dir"
    echo "== building $bench_bin"
    eval "$build" >/dev/null
  fi
}

# wait_for FILE PATTERN PID: until PATTERN appears in FILE (a server's log);
# prints the log and exits when PID dies first, exits after 10 s.
wait_for() {  # wait_for FILE PATTERN PID
  for _ in $(seq 1 200); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { cat "$1"; exit 1; }
    sleep 0.05
  done
  echo "timed out waiting for '$2' in $1" >&2
  exit 1
}

# bench_workdir NAME [KEEP]: a fresh work directory in $work and an empty pids
# list. On exit every pid in pids is ended, and continued in case the script
# stopped it (a stopped process keeps SIGTERM pending and would never be
# reaped), and the directory is removed unless KEEP (default BENCH_KEEP) is 1.
bench_workdir() {
  work="$(mktemp -d "/tmp/pushprobe-$1.XXXXXX")"
  bench_keep="${2:-${BENCH_KEEP:-0}}"
  pids=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && kill -CONT "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "$bench_keep" = 1 ] || rm -rf "$work"
}

# bench_listening_port LOG: the port of a server's "listening on 127.0.0.1:PORT".
bench_listening_port() { grep -o '127.0.0.1:[0-9]*' "$1" | head -n 1 | cut -d: -f2; }

# bench_emulator LAB LOG [serve flags...]: serves the emulator's lab LAB (made
# first when LAB has none), logging to LOG, until it listens. Sets emulator
# (its pid, also added to pids) and emulator_port.
bench_emulator() {
  local lab="$1" log="$2"
  shift 2
  local emu="$bench_bin/tests/emulator/pushprobe-emulator"
  [ -f "$lab/pushprobe.yml" ] || "$emu" lab --dir "$lab" --port 0 >/dev/null
  "$emu" serve --lab "$lab" "$@" >"$log" 2>&1 &
  emulator=$!
  pids+=("$emulator")
  wait_for "$log" "listening on" "$emulator"
  emulator_port="$(bench_listening_port "$log")"
}

# The exporter's web side as bench_exporter reaches it: plain HTTP unless a
# script sets bench_web_scheme=https and the curl options (bench_web_curl)
# and exporter flags (bench_web_flags) that go with it.
bench_web_scheme=http
bench_web_curl=()
bench_web_flags=()

# bench_exporter CONFIG LISTEN LOG [flags...]: starts the exporter and waits
# (up to 60 s: 50,000 targets take a while to schedule) until /-/ready
# answers; prints its log and exits if it dies first. Sets exporter (its pid,
# also added to pids).
bench_exporter() {
  local config="$1" listen="$2" log="$3"
  shift 3
  "$bench_bin/exporters/pushprobe-exporter" --config.file="$config" \
    --web.listen-address="$listen" --log.level=error \
    ${bench_web_flags[@]+"${bench_web_flags[@]}"} "$@" >"$log" 2>&1 &
  exporter=$!
  pids+=("$exporter")
  for _ in $(seq 1 1200); do
    curl -fs ${bench_web_curl[@]+"${bench_web_curl[@]}"} "$bench_web_scheme://$listen/-/ready" \
      >/dev/null 2>&1 && return 0
    kill -0 "$exporter" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.05
  done
  echo "the exporter on $listen was not ready within 60 s" >&2
  exit 1
}

# bench_stop_exporter: ends the exporter bench_exporter started.
bench_stop_exporter() {
  kill "$exporter" 2>/dev/null || true
  wait "$exporter" 2>/dev/null || true
}
