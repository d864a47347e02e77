#!/usr/bin/env bash
# Installs the Debian packages prunetop builds, runs and tests with, if any is missing.
# Needs root or sudo. The Swift 6 toolchain itself is expected on PATH.
set -euo pipefail
packages=(pkg-config libncurses-dev libopenblas-dev zlib1g-dev dataset-fashion-mnist tmux gzip bsdutils)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "error: swift is not on PATH; install the Swift 6 toolchain (swift.org)" >&2; exit 1; }
