#!/usr/bin/env bash
# The quickstart demo on config/quickstart.yaml (or --config FILE): starts the local Solana chain
# and creates the venue's on-chain accounts, starts quantdesk, runs qd-demo (two desks trade over
# FIX, the drop-copy session shows what compliance sees, the settlement batches confirm on the
# chain, a summary), then stops what it started. The exit status is qd-demo's: 0 when trades,
# drop copies and confirmed batches all happened, 1 with the reason otherwise.
#
#   bash scripts/demo.sh [--config FILE] [qd-demo options: --rounds N --timeout S ...]
#
# It builds nothing: `bash scripts/quickstart.sh --demo` installs, builds and runs it. Binaries
# come from QD_BIN_DIR (default build/release/bin). When a venue already answers on the config's
# admin socket (scripts/quickstart.sh running in another terminal), the demo runs against it and
# starts nothing.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"

config=config/quickstart.yaml
demo_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    *) demo_args+=("$1"); shift ;;
  esac
done
bin="${QD_BIN_DIR:-build/release/bin}"
for b in quantdesk qdctl qd-demo; do
  if [ ! -x "$bin/$b" ]; then
    echo "demo: $bin/$b not found: build first (bash scripts/quickstart.sh --demo) or set QD_BIN_DIR" >&2
    exit 2
  fi
done
localnet_dir=settlement/localnet
"$bin/quantdesk" --check-config "$config" >/dev/null

run_demo() { "$bin/qd-demo" --config "$config" ${demo_args[@]+"${demo_args[@]}"}; }

if "$bin/qdctl" --config "$config" status >/dev/null 2>&1; then
  echo "demo: a venue already runs on $config; running the demo against it"
  run_demo
  exit $?
fi

data_dir="$(node -e '
  const yaml = require(process.argv[1]);
  const c = yaml.parse(require("fs").readFileSync(process.argv[2], "utf8")) || {};
  process.stdout.write((c.venue && c.venue.data_dir) || "data");
' "$top/$localnet_dir/node_modules/yaml" "$config")"
logs="$data_dir/logs"
mkdir -p "$logs"

localnet="" venue=""
cleanup() {
  [ -n "$venue" ] && kill -TERM "$venue" 2>/dev/null && wait "$venue" 2>/dev/null || true
  [ -n "$localnet" ] && kill -TERM "$localnet" 2>/dev/null && wait "$localnet" 2>/dev/null || true
}
trap cleanup EXIT

# The local chain: start it, wait until it answers, then create (or reuse) the on-chain accounts.
node "$localnet_dir/src/server.js" --config "$config" >"$logs/localnet.log" 2>&1 &
localnet=$!
for _ in $(seq 1 150); do
  grep -q "listening" "$logs/localnet.log" 2>/dev/null && break
  kill -0 "$localnet" 2>/dev/null || { cat "$logs/localnet.log" >&2; exit 1; }
  sleep 0.2
done
grep -q "listening" "$logs/localnet.log" || { echo "demo: the local chain did not start" >&2; exit 1; }
manifest="$(node "$localnet_dir/src/setup.js" --config "$config" --quiet)"
# The bridge reads the vault at "finalized": wait for the new accounts to get there so the venue
# starts settling at once instead of retrying (and warning) until they do.
node settlement/localnet/tools/wait-finalized.js "$manifest" demo

"$bin/quantdesk" --config "$config" >"$logs/quantdesk.out" 2>"$logs/quantdesk.err" &
venue=$!
for _ in $(seq 1 300); do
  "$bin/qdctl" --config "$config" status >/dev/null 2>&1 && break
  kill -0 "$venue" 2>/dev/null || { cat "$logs/quantdesk.err" >&2; exit 1; }
  sleep 0.2
done
set +e
run_demo
rc=$?
set -e
exit $rc
