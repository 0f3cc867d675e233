#!/usr/bin/env bash
# The FIX gateway benchmark: the same qd-client load against
#   1. qd-bench-fix-bare-acceptor (QuickFIX alone, answers every order inline), and
#   2. quantdesk (the quickstart venue: gateway, sequencer, engine, margin, SQLite journal).
# usage: gateway_bench.sh BIN_DIR [ORDERS] [WINDOW] [DURABILITY]
#   BIN_DIR     build/<preset>/bin holding quantdesk, qd-client, qd-bench-fix-bare-acceptor
#   DURABILITY  journal durability for quantdesk: sync (default, the venue's promise) or normal
# Prints one "load:" line per target, then the journal's commit count and mean commit duration
# (from the venue's /metrics). Orders are IOC limits that never cross (nothing rests).
# Environment:
#   QD_BENCH_SERVER_CPUS  CPU list the acceptor and quantdesk are pinned to (taskset; default 1)
#   QD_BENCH_CLIENT_CPUS  CPU list qd-client is pinned to (default 0)
#   QD_BENCH_DIR          where the scratch data (stores, journal) lives (default /tmp; a tmpfs
#                         such as /dev/shm takes the disk out of the measurement)
set -euo pipefail

bin="$(cd "$1" && pwd)"
orders="${2:-20000}"
window="${3:-64}"
durability="${4:-sync}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
server_cpus="${QD_BENCH_SERVER_CPUS:-1}"
client_cpus="${QD_BENCH_CLIENT_CPUS:-0}"
tmp="$(mktemp -d "${QD_BENCH_DIR:-/tmp}/qd-fix-bench-XXXXXX")"
# Arrays, not a function: a background "taskset ... &" is then the server's own pid (taskset
# execs it), which cleanup can stop.
server_pin=()
client_pin=()
if command -v taskset >/dev/null; then
  server_pin=(taskset -c "$server_cpus")
  client_pin=(taskset -c "$client_cpus")
fi
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # A server still shutting down after 10 s is killed: the benchmark never hangs on its way out.
  for _ in $(seq 1 100); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
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
"${server_pin[@]}" "$bin/qd-bench-fix-bare-acceptor" --port "$bare_port" --data-dir "$tmp/bare" --sender DESK_A \
  2>"$tmp/bare.log" &
pids+=($!)
wait_port "$bare_port"
echo -n "bare-acceptor "
"${client_pin[@]}" "$bin/qd-client" --port "$bare_port" --sender DESK_A --password x --store "$tmp/client-bare" \
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
"${server_pin[@]}" "$bin/quantdesk" --config "$tmp/venue.yaml" 2>"$tmp/venue.log" &
pids+=($!)
wait_port "$fix_port"
echo -n "quantdesk(journal=$durability) "
"${client_pin[@]}" "$bin/qd-client" --port "$fix_port" --sender DESK_A --password desk-a-demo \
  --store "$tmp/client-venue" --load "$orders" --window "$window"
# The journal's own share: commits and their mean duration (SQLite transaction incl. fsync).
python3 - "$metrics_port" <<'EOF' || true
import sys, urllib.request
text = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=5).read().decode()
vals = {}
for line in text.splitlines():
    for k in ("quantdesk_journal_commit_seconds_sum", "quantdesk_journal_commit_seconds_count"):
        if line.startswith(k + " "):
            vals[k] = float(line.split()[1])
n = vals.get("quantdesk_journal_commit_seconds_count", 0)
if n:
    mean = vals["quantdesk_journal_commit_seconds_sum"] / n * 1e6
    print(f"journal: commits={int(n)} mean_commit_us={mean:.1f}")
EOF
