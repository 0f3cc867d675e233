#pragma once
// The venue's threads hand each order along a pipeline (connection, engine, commit, publish,
// outbox): each wakes the next and then has more of its own work to do. Under the default Linux
// policy (SCHED_OTHER) a woken thread may preempt the one that woke it when they share a core, so
// on a machine with fewer cores than threads every hand-off can cost two context switches and
// each stage sees batches of one. SCHED_BATCH is the same fair policy without that wake-up
// preemption: a thread runs until it waits, and the next stage finds a batch (numbers in
// tests/bench/fix/README.md). Latency one order at a time is unchanged: every stage waits right
// after its hand-off.

namespace qd {

/// Moves the calling thread, and so every thread it starts afterwards, to SCHED_BATCH when it
/// runs under the default SCHED_OTHER. A policy the operator chose (chrt: SCHED_FIFO, SCHED_RR,
/// SCHED_IDLE, SCHED_BATCH) is left alone. Returns true when the thread runs under SCHED_BATCH
/// afterwards.
bool prefer_batch_scheduling();

}  // namespace qd
