#include "app/gateway/venue_views.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>

#include "core/serialization.hpp"
#include "engine/snapshot_store.hpp"

namespace qd {

namespace {

/// What the saved views are indexed by: market ids and session numbers (1-based positions).
std::string layout_of(const VenueConfig& config) {
  std::string out;
  for (const MarketConfig& m : config.markets)
    out += "m" + std::to_string(m.id) + "=" + m.symbol + ";";
  for (const SessionConfig& s : config.sessions) out += "s=" + s.sender_comp_id + ";";
  return out;
}

/// Restores blob into gateway and metrics; the header must be of seq and this config's layout.
void restore_blob(const std::string& blob, SeqNo seq, const VenueConfig& config,
                  fix::Gateway& gateway, metrics::VenueMetrics& metrics) {
  ByteReader in(blob);
  SeqNo saved_seq = 0;
  std::string layout;
  in(saved_seq);
  in(layout);
  if (saved_seq != seq) throw std::runtime_error("its blob is of seq " + std::to_string(saved_seq));
  if (layout != layout_of(config))
    throw std::runtime_error("saved for other markets or sessions than configured");
  gateway.restore_views(in);
  metrics.restore_view(in);
  if (!in.done()) throw std::runtime_error("bytes left over after the last view");
}

}  // namespace

std::string save_venue_views(SeqNo seq, const VenueConfig& config, const fix::Gateway& gateway,
                             const metrics::VenueMetrics& metrics, bool canonical) {
  ByteWriter out;
  out(seq);
  out(layout_of(config));
  gateway.save_views(out, canonical);
  metrics.save_view(out);
  return out.bytes();
}

ViewsRestore restore_newest_views(const SqliteJournal& journal, const VenueConfig& config,
                                  fix::Gateway& gateway, metrics::VenueMetrics& metrics) {
  const auto t0 = std::chrono::steady_clock::now();
  ViewsRestore r;
  SnapshotStore store(snapshot_path_for(journal.path()), journal.journal_id(), SnapshotKind::views);
  r.removed_newer = store.remove_after(journal.last_seq());
  if (r.removed_newer > 0) {
    r.warnings.push_back(std::to_string(r.removed_newer) +
                         " view snapshot(s) after the journal's last seq " +
                         std::to_string(journal.last_seq()) + " deleted");
  }
  // A failed restore may have replaced some views: put the empty ones back.
  const std::string empty = save_venue_views(0, config, gateway, metrics);
  for (const SnapshotInfo& info : store.list()) {
    const std::string name = "view snapshot seq " + std::to_string(info.seq);
    std::string why;
    const std::optional<std::string> blob = store.read_usable(info, views_format_version, why);
    if (!blob) {
      r.warnings.push_back(name + " skipped: " + why);
      continue;
    }
    try {
      restore_blob(*blob, info.seq, config, gateway, metrics);
      r.seq = info.seq;
      r.bytes = blob->size();
      break;
    } catch (const std::exception& e) {
      r.warnings.push_back(name + " skipped: " + e.what());
      restore_blob(empty, 0, config, gateway, metrics);
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace qd
