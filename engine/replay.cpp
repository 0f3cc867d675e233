#include "engine/replay.hpp"

#include <string>
#include <vector>

namespace qd {

ReplayStats replay_journal(const SqliteJournal& journal, Exchange& exchange,
                           const std::function<void(std::span<const Event>)>& on_events,
                           SeqNo after) {
  ReplayStats stats;
  stats.last_seq = after;
  std::vector<Event> events;
  journal.for_each_command_after(after, [&](const Command& c, uint64_t stored_hash,
                                            uint32_t stored_count) {
    if (c.seq != stats.last_seq + 1) {
      throw ReplayMismatch("journal " + journal.path() + ": gap before seq " +
                           std::to_string(c.seq) + " (previous " + std::to_string(stats.last_seq) + ")");
    }
    events.clear();
    exchange.process(c, events);
    const uint64_t h = SqliteJournal::hash_events(events);
    if (h != stored_hash || events.size() != stored_count) {
      throw ReplayMismatch("journal " + journal.path() + ": replay of seq " + std::to_string(c.seq) +
                           " produced " + std::to_string(events.size()) + " events (hash " +
                           std::to_string(h) + "), the journal recorded " +
                           std::to_string(stored_count) + " (hash " + std::to_string(stored_hash) +
                           "); refusing to start on a state that differs from what clients saw");
    }
    if (on_events) on_events(events);
    stats.last_seq = c.seq;
    ++stats.commands;
    stats.events += events.size();
  });
  return stats;
}

}  // namespace qd
