#!/usr/bin/env bash
# Installs every dependency, builds the release preset and starts the venue on the embedded
# default configuration (config/quickstart.yaml): the local Solana chain (settlement/localnet)
# with its mint, vault and desk accounts, then the FIX gateway with its SQLite journal under
# data/quickstart. Ctrl-C stops both.
#
#   bash scripts/quickstart.sh [quantdesk options]   the venue, until Ctrl-C
#   bash scripts/quickstart.sh --demo [qd-demo options]
#                                                    the same, plus the demo (scripts/demo.sh):
#                                                    two desks trade, compliance watches the
#                                                    drop copy, batches settle on chain; exits
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"

demo=0
if [ "${1:-}" = "--demo" ]; then
  demo=1
  shift
fi

if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1; then
  bash scripts/setup.sh
fi
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)"

if [ "$demo" -eq 1 ]; then
  exec bash scripts/demo.sh "$@"
fi

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
manifest="$(node settlement/localnet/src/setup.js --config "$config" --quiet)"
echo "quickstart: on-chain accounts ready (manifest $manifest); waiting for them to finalize"
# The settlement bridge reads the vault at "finalized" (32 blocks of 400 ms after setup on a new
# chain): start the venue once it is there, so settlement is ready at once, without retries.
node settlement/localnet/tools/wait-finalized.js "$manifest" quickstart

build/release/bin/quantdesk --config "$config" "$@"
