#pragma once
// Restart from a snapshot: restore the newest usable snapshot, then replay only the commands
// after it with the usual event-hash check (engine/replay.hpp). The edges (on_events) see every
// event after their own views' snapshot (views_seq; 0 = from the beginning of history): the
// journal's stored events up to the engine's snapshot (decoded, not matched again), then the
// replayed tail's.
//
// Snapshots live in the journal's snapshot file (snapshot_path_for). One is used only when it
// was taken of this journal (its journal_id), is at or before the journal's last command, its
// blob hashes to the stored state_hash, its format version is this build's and it restores into
// the configured markets; any other is skipped with a warning (an older one, or a full replay,
// is used instead). Snapshots after the journal's last command (taken of commands whose commit
// never happened) are deleted, also when snapshots are not used: the next commands will carry
// those numbers.

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "engine/exchange.hpp"
#include "engine/replay.hpp"
#include "engine/sqlite_journal.hpp"

namespace qd {

struct RecoveryStats {
  // Each part's time: wall seconds, and CPU seconds of the calling thread.
  SeqNo snapshot_seq = 0;  ///< the snapshot restored; 0 = full replay
  uint64_t snapshot_bytes = 0;
  double snapshot_seconds = 0;  ///< reading, checking and restoring snapshots
  double snapshot_cpu_seconds = 0;
  uint64_t stored_events = 0;  ///< events after views_seq up to the snapshot handed to on_events
  double stored_events_seconds = 0;
  double stored_events_cpu_seconds = 0;
  ReplayStats replay;  ///< the commands replayed (all of them without a snapshot)
  double replay_seconds = 0;
  double replay_cpu_seconds = 0;
  int removed_newer = 0;              ///< snapshots after the journal's end, deleted
  std::vector<std::string> warnings;  ///< snapshots skipped and why
};

/// Restores exchange (freshly built from spec) from the journal: the newest usable snapshot plus
/// the commands after it, or every command when use_snapshots is false or none is usable.
/// on_events gets the events after views_seq (the edges restored their own views up to it), one
/// command's at a time. Throws ReplayMismatch when a replayed command's events differ from the
/// journal's.
RecoveryStats recover_exchange(const SqliteJournal& journal, Exchange& exchange,
                               const ExchangeSpec& spec,
                               const std::function<void(std::span<const Event>)>& on_events = {},
                               bool use_snapshots = true, SeqNo views_seq = 0);

}  // namespace qd
