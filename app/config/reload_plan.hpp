#pragma once
// What a configuration reload would change, and which changes the running venue can apply live
// (as journaled commands, so replay sees them) and which need a restart.

#include <cstdint>
#include <string>
#include <vector>

#include "app/config/venue_config.hpp"

namespace qd {

enum class ReloadAction : uint8_t {
  live,       ///< applied to the running venue
  restart,    ///< takes effect only after a restart (sockets, files, engine layout)
  no_effect,  ///< an initial value used only when the journal is empty (collateral, seeds)
};

struct ReloadChange {
  ReloadAction action = ReloadAction::live;
  /// "markets[BTC-PERP].taker_fee_bps: 10 -> 12", values in the YAML's units. Credentials are
  /// never printed, only named.
  std::string description;
  bool operator==(const ReloadChange&) const = default;
};

struct ReloadPlan {
  std::vector<ReloadChange> changes;  ///< in config order

  bool empty() const { return changes.empty(); }
  bool needs_restart() const;
  std::vector<std::string> descriptions(ReloadAction action) const;
};

/// Compares two validated configs. Markets, accounts and sessions are matched by symbol, id and
/// (SenderCompID, TargetCompID); listeners by name.
ReloadPlan diff_for_reload(const VenueConfig& old_config, const VenueConfig& new_config);

}  // namespace qd
