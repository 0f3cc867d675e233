#!/usr/bin/env bash
# Installs every build and test dependency of QuantDesk on Debian 12, as root.
# Safe to run any number of times: apt-get and npm ci are idempotent.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  build-essential cmake ninja-build pkg-config git
  libquickfix-dev libboost-dev libsqlite3-dev sqlite3 libspdlog-dev libyaml-cpp-dev
  libsodium-dev nlohmann-json3-dev prometheus-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev python3 clang-format prometheus
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if ((${#missing[@]})); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The local Solana chain (settlement/localnet) is a Node program; its lockfile is committed.
if [ -f "$here/settlement/localnet/package-lock.json" ]; then
  (cd "$here/settlement/localnet" && npm ci --no-audit --no-fund --loglevel=error)
fi
