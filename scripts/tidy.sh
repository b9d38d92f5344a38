#!/usr/bin/env bash
# Runs clang-tidy with the checked-in .clang-tidy on first-party C++ sources,
# using the debug build's compile_commands.json (scripts/build.sh debug first).
#
#   scripts/tidy.sh            files changed against the merge base with main, committed or not
#   scripts/tidy.sh --all      the whole tree (scripts/test.sh runs this)
#   scripts/tidy.sh FILE...    the given files
#
# A changed header is checked through the .cc of the same name, when there is
# one (clang-tidy checks headers only as part of a file that includes them);
# --all reaches every header some .cc includes. scripts/tidy_run.py runs it,
# two files at a time (TIDY_JOBS), and skips a file whose inputs are unchanged
# since a clean run (cache in ~/.cache/pushprobe-tidy; --no-cache to bypass).
# Prints each finding as file:line:column and exits 1 on any.
set -euo pipefail
cd "$(dirname "$0")/.."
db=build/debug/compile_commands.json
[ -f "$db" ] || { echo "tidy: $db missing; run scripts/build.sh debug" >&2; exit 2; }

run_args=(--jobs "${TIDY_JOBS:-2}")
if [ "${1:-}" = "--no-cache" ]; then
  run_args+=(--no-cache)
  shift
fi
first_party='^(probe|exporters|nagios|cli|tests|bench)/.*\.(cc|h)$'
if [ "${1:-}" = "--all" ]; then
  mapfile -t files < <(git ls-files '*.cc' | grep -E "$first_party")
elif [ "$#" -gt 0 ]; then
  files=("$@")
else
  base=$(git merge-base HEAD main 2>/dev/null || git rev-parse HEAD)
  mapfile -t changed < <({ git diff --name-only --diff-filter=d "$base"; git ls-files --others --exclude-standard; } |
                         grep -E "$first_party" | sort -u)
  files=()
  for f in "${changed[@]}"; do
    case "$f" in
      *.h) [ -f "${f%.h}.cc" ] && files+=("${f%.h}.cc") ;;
      *) files+=("$f") ;;
    esac
  done
fi
if [ "${#files[@]}" -eq 0 ]; then
  echo "tidy: no changed C++ files to check"
  exit 0
fi
# Files the build does not compile (a header without a .cc, a fixture) are passed over.
exec python3 scripts/tidy_run.py "${run_args[@]}" "${files[@]}"
