#!/usr/bin/env bash
# Installs the Debian 12 packages vpcsim needs to build, run and test.
# Skips apt-get when everything is already there (so it also works offline).
set -euo pipefail
PKGS=(build-essential cmake pkg-config libzmq3-dev libuv1-dev libprotobuf-c-dev
      protobuf-c-compiler check libsqlite3-dev libsodium-dev libyaml-dev python3
      clang libclang-rt-14-dev        # clang + libFuzzer: fuzz/run.sh
      node-llhttp python3-botocore awscli python3-boto3     # vpcsim-gateway and its tests
      graphviz chromium)   # topology svg; the console test
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
