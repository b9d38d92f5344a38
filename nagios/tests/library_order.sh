#!/bin/sh
# The plugin names libcrypto and libstdc++ before its other libraries, so
# the dynamic loader finds their own symbols first (nagios/CMakeLists.txt).
set -eu
needed="$(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
first="$(printf '%s\n' "$needed" | head -n 2 | tr '\n' ' ')"
case "$first" in
  "libcrypto.so."*" libstdc++.so."*" ") echo "OK: $first" ;;
  *) echo "FAIL: the first libraries named are $first; want libcrypto, libstdc++ (all: $(echo $needed))"
     exit 1 ;;
esac
