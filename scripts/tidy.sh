#!/usr/bin/env bash
# Runs clang-tidy with the checked-in .clang-tidy on first-party C++ sources,
# using the debug build's compile_commands.json (scripts/build.sh debug first).
#
#   scripts/tidy.sh            files changed against the merge base with main, committed or not
#   scripts/tidy.sh --all      the whole tree (about 200 files: several minutes on two cores)
#   scripts/tidy.sh FILE...    the given files
#
# A changed header is checked through the .cc of the same name, when there is
# one (clang-tidy checks headers only as part of a file that includes them).
# Exits 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
db=build/debug/compile_commands.json
[ -f "$db" ] || { echo "tidy: $db missing; run scripts/build.sh debug" >&2; exit 2; }

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
# Only files the build compiles (a header without a .cc, a script's fixture) have a command.
mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u |
                     while read -r f; do [ -n "$f" ] && grep -qF "/$f\"" "$db" && echo "$f"; done)
if [ "${#files[@]}" -eq 0 ]; then
  echo "tidy: no changed C++ files to check"
  exit 0
fi
echo "tidy: ${#files[@]} file(s)"
if ! printf '%s\n' "${files[@]}" | xargs -P 2 -n 1 clang-tidy -p build/debug --quiet 2>/dev/null; then
  echo "tidy: findings above (fix them, or NOLINT(check) with the reason on the line)" >&2
  exit 1
fi
