#!/usr/bin/env bash
# The venue's own restart with and without snapshots, on a history it wrote itself:
#   venue_restart.sh BIN_DIR [ORDERS]
# quantdesk on the quickstart config (settlement off, durability normal, snapshots every 100000
# commands) takes `qd-client --load ORDERS --window 64` (which stops after 60 s), is stopped, and is
# started three times on that journal: with snapshots (engine + views), without (full replay),
# and with them again. Each start's `event=journal_replayed` line is printed: snapshot_seq,
# views_seq and the wall time of each part. Not a test: nothing is asserted.
set -euo pipefail

bin="$(cd "$1" && pwd)"
orders="${2:-400000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
tmp="$(mktemp -d "${QD_BENCH_DIR:-/tmp}/qd-restart-bench-XXXXXX")"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
fix_port="$(free_port)"
metrics_port="$(free_port)"
config() {  # $1 = snapshot interval
  sed -e "s|data/quickstart|$tmp/venue|g" \
      -e "s|port: 9876 |port: $fix_port |" \
      -e "s|port: 9464|port: $metrics_port|" \
      -e "0,/messages_per_second: 100, burst: 200/s//messages_per_second: 100000, burst: 100000/" \
      -e 's|durability: "sync"|durability: "normal"|' \
      -e '/^settlement:/,/^$/ s|enabled: true|enabled: false|' \
      -e "s|snapshot_every_commands: [0-9]*|snapshot_every_commands: $1|" \
      "$root/config/quickstart.yaml"
}
config 100000 >"$tmp/snapshots.yaml"
config 0 >"$tmp/full.yaml"

start() {  # $1 = config, $2 = log; returns once the journal is replayed
  "$bin/quantdesk" --config "$1" 2>"$2" &
  pid=$!
  for _ in $(seq 1 3000); do
    grep -q "event=journal_replayed" "$2" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$2" >&2; return 1; }
    sleep 0.1
  done
  return 1
}
stop() { kill "$pid"; wait "$pid" || true; pid=""; }

start "$tmp/snapshots.yaml" "$tmp/load.log"
for _ in $(seq 1 100); do
  python3 -c "import socket,sys;s=socket.socket();sys.exit(s.connect_ex(('127.0.0.1',$fix_port)))" && break
  sleep 0.1
done
"$bin/qd-client" --port "$fix_port" --sender DESK_A \
  --password desk-a-demo --store "$tmp/client" --load "$orders" --window 64 || true
sleep 2
stop
grep -o "event=snapshot_written.*" "$tmp/load.log" | tail -2
for mode in snapshots full snapshots; do
  start "$tmp/$mode.yaml" "$tmp/$mode.log"
  echo "$mode: $(grep -o 'event=journal_replayed.*' "$tmp/$mode.log")"
  stop
done
