#!/usr/bin/env bash
# The FIX gateway benchmark: the same qd-client load against
#   1. qd-bench-fix-bare-acceptor (QuickFIX alone, answers every order inline), and
#   2. quantdesk (the quickstart venue: gateway, sequencer, engine, margin, SQLite journal).
# usage: gateway_bench.sh BIN_DIR [ORDERS] [WINDOW] [DURABILITY]
#   BIN_DIR     build/<preset>/bin holding quantdesk, qd-client, qd-bench-fix-bare-acceptor
#   DURABILITY  journal durability for quantdesk: sync (default, the venue's promise) or normal
# Prints one "load:" line per target. Orders are IOC limits that never cross (nothing rests).
set -euo pipefail

bin="$(cd "$1" && pwd)"
orders="${2:-20000}"
window="${3:-64}"
durability="${4:-sync}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
tmp="$(mktemp -d /tmp/qd-fix-bench-XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 200); do
    if python3 -c "import socket,sys;s=socket.socket();s.settimeout(0.2);sys.exit(s.connect_ex(('127.0.0.1',$1)))"; then return 0; fi
    sleep 0.1
  done
  echo "port $1 never opened" >&2
  return 1
}

# 1. The yardstick.
bare_port="$(free_port)"
"$bin/qd-bench-fix-bare-acceptor" --port "$bare_port" --data-dir "$tmp/bare" --sender DESK_A \
  2>"$tmp/bare.log" &
pids+=($!)
wait_port "$bare_port"
echo -n "bare-acceptor "
"$bin/qd-client" --port "$bare_port" --sender DESK_A --password x --store "$tmp/client-bare" \
  --load "$orders" --window "$window"

# 2. The venue: the quickstart config in a scratch directory, with settlement off, a throttle that
# does not limit the load, and free ports.
fix_port="$(free_port)"
metrics_port="$(free_port)"
sed -e "s|data/quickstart|$tmp/venue|g" \
    -e "s|port: 9876 |port: $fix_port |" \
    -e "s|port: 9464|port: $metrics_port|" \
    -e "0,/messages_per_second: 100, burst: 200/s//messages_per_second: 100000, burst: 100000/" \
    -e "s|durability: \"sync\"|durability: \"$durability\"|" \
    -e 's|level: "info"|level: "warn"|' \
    -e '/^settlement:/,/^$/ s|enabled: true|enabled: false|' \
    "$root/config/quickstart.yaml" >"$tmp/venue.yaml"
"$bin/quantdesk" --config "$tmp/venue.yaml" 2>"$tmp/venue.log" &
pids+=($!)
wait_port "$fix_port"
echo -n "quantdesk(journal=$durability) "
"$bin/qd-client" --port "$fix_port" --sender DESK_A --password desk-a-demo \
  --store "$tmp/client-venue" --load "$orders" --window "$window"
