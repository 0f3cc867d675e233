#!/usr/bin/env bash
# Installs every dependency, builds the release preset and starts the venue on the embedded
# default configuration (config/quickstart.yaml): the local Solana chain (settlement/localnet)
# with its mint, vault and desk accounts, then the FIX gateway with its SQLite journal under
# data/quickstart. Ctrl-C stops both.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"

if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1; then
  bash scripts/setup.sh
fi
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)"

config=config/quickstart.yaml
mkdir -p data/quickstart/logs
# The local chain: start it, wait until it answers, then create (or reuse) the on-chain accounts.
node settlement/localnet/src/server.js --config "$config" > data/quickstart/logs/localnet.log 2>&1 &
localnet=$!
trap 'kill "$localnet" 2>/dev/null; wait "$localnet" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "listening" data/quickstart/logs/localnet.log 2>/dev/null && break
  kill -0 "$localnet" 2>/dev/null || { cat data/quickstart/logs/localnet.log; exit 1; }
  sleep 0.2
done
node settlement/localnet/src/setup.js --config "$config"

build/release/bin/quantdesk --config "$config" "$@"
