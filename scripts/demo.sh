#!/usr/bin/env bash
# Sets everything up and runs the demo: builds pushprobe, starts the bundled
# Office 365 emulator with a fresh lab (test CA, server and Auth certificates,
# pushprobe configuration), runs the check against it (a Succeeded run, then a
# realistic failure: an Auth certificate that was never registered), and stops
# the emulator. Nothing leaves the machine: the lab keeps production host names
# and reaches 127.0.0.1 through connect_to.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
echo "== building (release preset)"
scripts/build.sh release pushprobe pushprobe-emulator >/dev/null

bin=build/release
lab="${PUSHPROBE_LAB:-$(mktemp -d /tmp/pushprobe-lab.XXXXXX)}"
"$bin/tests/emulator/pushprobe-emulator" lab --dir "$lab" --port 0 >/dev/null
"$bin/tests/emulator/pushprobe-emulator" serve --lab "$lab" >"$lab/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$lab/emulator.log" 2>/dev/null && break
  kill -0 "$emulator" 2>/dev/null || { cat "$lab/emulator.log"; exit 1; }
  sleep 0.1
done
echo "== emulator: $(head -n 1 "$lab/emulator.log"), lab in $lab"

run() {
  echo
  echo "\$ pushprobe $*"
  "$bin/cli/pushprobe" "$@" || echo "(exit status $?)"
}

run run --config "$lab/pushprobe.yml" --target fabrikam -v
run run --config "$lab/pushprobe.yml" --target fabrikam --format exchange
echo
echo "== a realistic failure: the Auth certificate was never registered (New-MsolServicePrincipalCredential)"
run run --config "$lab/pushprobe.yml" --target fabrikam-unregistered
run run --config "$lab/pushprobe.yml" --target fabrikam-unregistered --format exchange
