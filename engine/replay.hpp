#pragma once
// Restart = replay: every journaled command runs again through a fresh Exchange, and the events
// it produces must hash to what was stored when it first ran. Any difference means the code or
// the journal changed under the venue, and it refuses to start rather than trade on a wrong book.

#include <functional>
#include <span>
#include <stdexcept>

#include "engine/exchange.hpp"
#include "engine/sqlite_journal.hpp"

namespace qd {

struct ReplayMismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ReplayStats {
  SeqNo last_seq = 0;
  uint64_t commands = 0;
  uint64_t events = 0;
};

/// Replays the journal's commands after `after` into exchange (fresh, or restored from the
/// snapshot taken at `after`), handing each command's events to on_events (may be empty) so
/// edges can rebuild their own views. Throws ReplayMismatch. last_seq counts from `after`.
ReplayStats replay_journal(const SqliteJournal& journal, Exchange& exchange,
                           const std::function<void(std::span<const Event>)>& on_events = {},
                           SeqNo after = 0);

}  // namespace qd
