#!/usr/bin/env bash
# Installs every dependency, builds the release preset and starts the venue on the embedded
# default configuration (config/quickstart.yaml): the FIX gateway, its SQLite journal under
# data/quickstart and the local Solana chain for settlement. Ctrl-C stops everything.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"

if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1; then
  bash scripts/setup.sh
fi
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)"

if [ -x build/release/bin/quantdesk ]; then
  exec build/release/bin/quantdesk --config config/quickstart.yaml "$@"
fi
# Until the gateway binary exists, show the matching core at work on a generated workload.
mkdir -p data/quickstart
python3 ../shared/bench/gen_workload.py smoke data/quickstart/smoke.qdwl
exec build/release/bin/qd-bench-replay --latency data/quickstart/smoke.qdwl
