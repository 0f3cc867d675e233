#pragma once
// The edges' views in restart snapshots. The gateway's order view, each service's state built
// from events (market data book and statistics, market status, funding totals, drop copy's
// last event) and the metrics' oracle times are saved together on the publisher thread, at
// most once per journal.view_snapshot_every_commands, into the snapshot file's view_snapshots table
// (engine/snapshot_store.hpp). At restart the newest usable one is restored before the replay,
// and the edges are handed only the events after it: their part of the restart no longer grows
// with history.
//
// Views are saved only while every order-entry outbox has handed all its reports to QuickFIX:
// crash recovery (fix/report_recovery.hpp) then never needs a report from before the views.
// One is used only when it was taken of this journal, is not newer than the journal, its blob
// hashes to the stored hash, its format version is this build's and it was saved for the same
// markets and sessions; any other is skipped with a warning (an older one, or every event).

#include <cstdint>
#include <string>
#include <vector>

#include "app/config/venue_config.hpp"
#include "app/metrics/venue_metrics.hpp"
#include "core/ids.hpp"
#include "engine/sqlite_journal.hpp"
#include "fix/gateway.hpp"

namespace qd {

/// Bump when any saved view's layout changes: older snapshots are then skipped.
inline constexpr uint32_t views_format_version = 1;

/// The edges' views as one blob: seq, the config's layout (markets and sessions), the gateway's
/// views, the metrics'. Publisher thread, between batches (seq = the last event applied).
/// `canonical`: equal views give equal bytes (slower; for comparisons).
std::string save_venue_views(SeqNo seq, const VenueConfig& config, const fix::Gateway& gateway,
                             const metrics::VenueMetrics& metrics, bool canonical = false);

struct ViewsRestore {
  SeqNo seq = 0;  ///< the views restored; 0 = none (the edges get every event)
  uint64_t bytes = 0;
  double seconds = 0;  ///< wall time reading, checking and restoring
  int removed_newer = 0;
  std::vector<std::string> warnings;  ///< snapshots skipped and why
};

/// Before the replay: restores the newest usable views of the journal into gateway and metrics
/// (both as built from config, with no event applied yet). Deletes views newer than the journal.
ViewsRestore restore_newest_views(const SqliteJournal& journal, const VenueConfig& config,
                                  fix::Gateway& gateway, metrics::VenueMetrics& metrics);

}  // namespace qd
