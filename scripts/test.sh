#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: formatting, the debug build
# with every test label, clang-tidy on the whole tree, then the address+undefined
# sanitizer build with the unit and integration tests. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# promtool checks the exposition format; the e2e label runs the real Prometheus,
# Nagios 4 and Icinga 2, headless Chromium against the status page, script(1) for
# the CLI under a pseudo-terminal, builds the Debian packages, checks them with
# lintian and hardening-check (devscripts), installs them into a debootstrap
# root and boots that root with systemd-nspawn (systemd-container).
scripts/setup.sh prometheus nagios4-core icinga2-bin debootstrap dpkg-dev chromium fonts-dejavu-core util-linux \
  lintian devscripts systemd-container

# The plugin's number-format tests run under a comma-decimal locale.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  scripts/setup.sh locales
  localedef -i de_DE -f UTF-8 de_DE.UTF-8
fi

echo "== clang-format"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

echo "== debug build, all tests"
scripts/build.sh debug
ctest --preset debug -j2

# The whole tree: several minutes on two cores the first time, then only the
# files whose inputs changed since a clean run (scripts/tidy_run.py's cache).
echo "== clang-tidy"
scripts/tidy.sh --all

echo "== asan+ubsan build, unit and integration tests"
scripts/build.sh asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --preset asan -j2
