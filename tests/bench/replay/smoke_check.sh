#!/usr/bin/env bash
# Replays the `smoke` workload through qd-bench-replay and requires refbook's published figures
# for it, field by field (../shared/bench/README.md). Registered as the ctest replay_smoke_test.
#
#   smoke_check.sh QD_BENCH_REPLAY SHARED_BENCH_DIR WORK_DIR
set -euo pipefail
engine="$1" shared="$2" work="$3"

# refbook's figures for smoke: the oracle every correct price-time engine must reproduce.
expected=(fills=3183 filled_qty=36088 fill_hash=7089df9056cf188b resting=1784
          resting_qty=33457 unknown=1358 book_hash=51aec27cc130d7c2)

mkdir -p "$work"
workload="$work/smoke.qdwl"
if ! python3 "$shared/gen_workload.py" smoke "$workload"; then
  echo "cannot generate the smoke workload with $shared/gen_workload.py (set QD_SHARED_BENCH_DIR)" >&2
  exit 1
fi
# The published figures belong to these exact bytes.
sum=$(sha256sum "$workload" | cut -d' ' -f1)
if [ "$sum" != d9b06e86679641f4741af7cbed28e9574b91bdd7f352a8caacd5c1bcaa38f076 ]; then
  echo "smoke workload differs from the published one (sha256 $sum)" >&2
  exit 1
fi
line=$("$engine" "$workload")
echo "$line"
status=0
for kv in "${expected[@]}"; do
  key=${kv%%=*}
  got=$(tr ' ' '\n' <<< "$line" | grep "^$key=" | head -1 || true)
  if [ "$got" != "$kv" ]; then
    echo "MISMATCH: expected $kv, got ${got:-nothing}" >&2
    status=1
  fi
done
exit $status
