#include "engine/snapshot_recovery.hpp"

#include <time.h>

#include <chrono>
#include <filesystem>
#include <vector>

#include "core/serialization.hpp"
#include "engine/snapshot.hpp"
#include "engine/snapshot_store.hpp"

namespace qd {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

/// Deletes the snapshots after the journal's last seq: their numbers will be reused by other
/// commands, so they must go even while snapshots are not used.
void remove_newer(const SqliteJournal& journal, SnapshotStore& store, RecoveryStats& stats) {
  stats.removed_newer = store.remove_after(journal.last_seq());
  if (stats.removed_newer > 0) {
    stats.warnings.push_back(std::to_string(stats.removed_newer) +
                             " snapshot(s) after the journal's last seq " +
                             std::to_string(journal.last_seq()) + " deleted (never committed)");
  }
}

/// Restores the newest usable snapshot into exchange; 0 when none is.
SeqNo restore_newest(const SqliteJournal& journal, Exchange& exchange, const ExchangeSpec& spec,
                     RecoveryStats& stats) {
  SnapshotStore store(snapshot_path_for(journal.path()), journal.journal_id());
  remove_newer(journal, store, stats);
  for (const SnapshotInfo& info : store.list()) {
    const std::string name = "snapshot seq " + std::to_string(info.seq);
    std::string why;
    const std::optional<std::string> blob = store.read_usable(info, snapshot_format_version, why);
    if (!blob) {
      stats.warnings.push_back(name + " skipped: " + why);
      continue;
    }
    try {
      const SnapshotHeader h = restore_snapshot(exchange, *blob);
      if (h.seq != info.seq) throw SnapshotError("its blob is of seq " + std::to_string(h.seq));
      stats.snapshot_bytes = blob->size();
      return info.seq;
    } catch (const std::exception& e) {
      stats.warnings.push_back(name + " skipped: " + e.what());
      exchange = Exchange(spec);  // a failed restore leaves it half written
    }
  }
  return 0;
}

}  // namespace

RecoveryStats recover_exchange(const SqliteJournal& journal, Exchange& exchange,
                               const ExchangeSpec& spec,
                               const std::function<void(std::span<const Event>)>& on_events,
                               bool use_snapshots, SeqNo views_seq) {
  RecoveryStats stats;
  auto t0 = Clock::now();
  double c0 = thread_cpu();
  if (use_snapshots) {
    stats.snapshot_seq = restore_newest(journal, exchange, spec, stats);
  } else if (std::filesystem::exists(snapshot_path_for(journal.path()))) {
    SnapshotStore store(snapshot_path_for(journal.path()), journal.journal_id());
    remove_newer(journal, store, stats);
  }
  stats.snapshot_seconds = since(t0);
  stats.snapshot_cpu_seconds = thread_cpu() - c0;

  if (stats.snapshot_seq > views_seq && on_events) {
    // The edges catch up from their views' snapshot to the engine's: what the journal recorded,
    // one command's events at a time as replay would hand them over.
    t0 = Clock::now();
    c0 = thread_cpu();
    std::vector<Event> group;
    const auto flush = [&] {
      if (!group.empty()) on_events(group);
      group.clear();
    };
    journal.for_each_event_after(views_seq, [&](const Event& e) {
      if (e.seq > stats.snapshot_seq) return false;
      if (!group.empty() && group.front().seq != e.seq) flush();
      group.push_back(e);
      ++stats.stored_events;
      return true;
    });
    flush();
    stats.stored_events_seconds = since(t0);
    stats.stored_events_cpu_seconds = thread_cpu() - c0;
  }

  t0 = Clock::now();
  c0 = thread_cpu();
  // Replayed commands the edges' views already hold are not handed to them again.
  std::function<void(std::span<const Event>)> after_views = on_events;
  if (on_events && views_seq > 0) {
    after_views = [&](std::span<const Event> events) {
      if (!events.empty() && events.front().seq > views_seq) on_events(events);
    };
  }
  stats.replay = replay_journal(journal, exchange, after_views, stats.snapshot_seq);
  stats.replay_seconds = since(t0);
  stats.replay_cpu_seconds = thread_cpu() - c0;
  return stats;
}

}  // namespace qd
