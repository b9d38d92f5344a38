#!/usr/bin/env bash
# Installs what pushprobe needs to build and test on Debian 12, only when missing.
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config git ca-certificates
          libpoco-dev libssl-dev prometheus-cpp-dev libyaml-cpp-dev
          nlohmann-json3-dev libgtest-dev libgmock-dev clang-format clang-tidy python3 ccache)
if [ "$#" -gt 0 ]; then packages+=("$@"); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages and not root; run as root or install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
