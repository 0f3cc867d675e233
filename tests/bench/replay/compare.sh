#!/usr/bin/env bash
# Replays each benchmark profile through refbook (the yardstick, built here with the same compiler
# and flags as the release preset) and through qd-bench-replay, alternating runs so both see the
# same machine load, then prints the median seconds of each and the throughput ratio.
#
#   tests/bench/replay/compare.sh [RUNS] [PROFILE...]     (default: 5 runs; mixed deep multi)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/../../.." && pwd)"
shared="${QD_SHARED_BENCH:-$top/../shared/bench}"
work="${QD_BENCH_DIR:-$top/build/bench-data}"
runs="${1:-5}"; shift || true
profiles=("$@"); [ ${#profiles[@]} -gt 0 ] || profiles=(mixed deep multi)
engine="$top/build/release/bin/qd-bench-replay"
[ -x "$engine" ] || { echo "build first: cmake --preset release && cmake --build build/release" >&2; exit 2; }

mkdir -p "$work"
g++ -O2 -std=c++20 -o "$work/refbook" "$shared/refbook.cpp"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { grep -o "$1=[^ ]*" | head -1 | cut -d= -f2; }

for p in "${profiles[@]}"; do
  f="$work/$p.qdwl"
  [ -f "$f" ] || python3 "$shared/gen_workload.py" "$p" "$f" 2>/dev/null
  : > "$work/$p.ref"; : > "$work/$p.qd"
  for ((i = 0; i < runs; i++)); do
    "$work/refbook" "$f" | tee -a "$work/$p.ref.lines" | field seconds >> "$work/$p.ref"
    "$engine" "$f" | tee -a "$work/$p.qd.lines" | field seconds >> "$work/$p.qd"
  done
  ref_line=$(tail -1 "$work/$p.ref.lines"); qd_line=$(tail -1 "$work/$p.qd.lines")
  same=yes
  for k in fills filled_qty fill_hash resting resting_qty unknown book_hash; do
    [ "$(echo "$ref_line" | field $k)" = "$(echo "$qd_line" | field $k)" ] || same=NO
  done
  r=$(median < "$work/$p.ref"); q=$(median < "$work/$p.qd")
  echo "== $p"
  echo "refbook: $ref_line"
  echo "engine:  $qd_line"
  awk -v p="$p" -v r="$r" -v q="$q" -v s="$same" -v n="$runs" \
    'BEGIN { printf "%s: median of %d runs refbook=%.4fs engine=%.4fs ratio=%.2fx results_identical=%s\n", p, n, r, q, r / q, s }'
  rm -f "$work/$p.ref.lines" "$work/$p.qd.lines"
done
