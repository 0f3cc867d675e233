#pragma once
// Helpers shared by the scenario loader's translation units: durations, signed percentages and
// the account / market references steps make, each reporting its own located errors.

#include <string>
#include <string_view>
#include <vector>

#include "app/config/config_reader.hpp"
#include "app/risk_sim/scenario.hpp"

namespace qd::risk_sim {

/// A duration or a point in scenario time: seconds with up to nine decimals, or a number with a
/// unit suffix "s", "m" or "h" ("90", "0.5", "30m", "1h"). Into ns; >= min_ns.
bool read_duration(MapReader& r, std::string_view key, TimestampNs& out, TimestampNs min_ns);

/// A signed percentage with up to two decimals ("-20", "+50", "0.5") into basis points, within
/// [min_bps, max_bps].
bool read_signed_pct(MapReader& r, std::string_view key, int64_t& out, int64_t min_bps,
                     int64_t max_bps);
/// The same for one scalar list item; `path` names it in messages ("...shocks_pct[2]").
bool parse_signed_pct(const ConfigNode& n, const std::string& path, int64_t& out, int64_t min_bps,
                      int64_t max_bps, ConfigErrors& errors);

/// What steps refer to by name.
struct Names {
  const std::vector<MarketDef>* markets = nullptr;
  const std::vector<AccountDef>* accounts = nullptr;

  /// An account name (required key) -> its id.
  bool account(MapReader& r, std::string_view key, AccountId& out) const;
  /// A market symbol; the key may be left out when the scenario has a single market.
  bool market(MapReader& r, std::string_view key, MarketId& out) const;
  /// A market symbol or "all" (the default when absent) -> the markets it names.
  bool markets_or_all(MapReader& r, std::string_view key, std::vector<MarketId>& out) const;
};

/// Parses the `steps` list. default_every: the tick interval when an advance or stress names none.
void parse_steps(const ConfigNode& list, const Names& names, TimestampNs default_every,
                 std::vector<Step>& out, ConfigErrors& errors);

}  // namespace qd::risk_sim
