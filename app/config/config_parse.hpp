#pragma once
// Section parsers shared by the loader's translation units. Each reads one part of the merged
// document into the plain structs, reporting every problem it finds; cross-references go through
// NameIndex so duplicates and unknown names point at the line to fix.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "app/config/config_reader.hpp"
#include "app/config/venue_config.hpp"

namespace qd {

/// Names already defined, with where: detects duplicates and resolves references.
class NameIndex {
 public:
  /// False (and nothing added) when `name` exists; `first` is then where it was defined.
  bool add(const std::string& name, const SourceLoc& loc, SourceLoc& first);
  const SourceLoc* find(const std::string& name) const;
  std::vector<std::string_view> names() const;

 private:
  std::vector<std::pair<std::string, SourceLoc>> items_;
};

/// A TCP port some section binds, for the cross-section collision check.
struct PortUse {
  uint16_t port = 0;
  std::string what;  ///< "listeners[0].port"
  SourceLoc loc;
};

inline constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();

template <class T>
constexpr std::string_view fixed_unit() {
  if constexpr (T::decimals == QTY_DECIMALS) return "1e-9 base units";
  return "1e-6 USDC";
}

/// A Price/Qty/Quote key: exact decimal at the type's precision, raw value >= min_raw.
template <class T>
bool read_fixed(MapReader& r, std::string_view key, T& out, int64_t min_raw) {
  int64_t raw = 0;
  if (!r.decimal(key, DecimalRule{T::decimals, min_raw, kNoMax, fixed_unit<T>()}, raw)) {
    return false;
  }
  out = T(raw);
  return true;
}

/// A percentage key ("5" = 5%) read into basis points (500), within [min_bps, max_bps].
bool read_pct_bps(MapReader& r, std::string_view key, int64_t& out, int64_t min_bps,
                  int64_t max_bps);

void parse_markets(const ConfigNode& list, std::vector<MarketConfig>& out, ConfigErrors& errors);
void parse_accounts(const ConfigNode& list, std::vector<AccountConfig>& out, NameIndex& ids,
                    ConfigErrors& errors);
void parse_sessions(const ConfigNode& list, const NameIndex& accounts, const NameIndex& listeners,
                    std::vector<SessionConfig>& out, ConfigErrors& errors);
void parse_listeners(const ConfigNode& list, std::vector<ListenerConfig>& out, NameIndex& names,
                     std::vector<PortUse>& ports, ConfigErrors& errors);
void parse_venue(const ConfigNode& n, VenueSection& out, ConfigErrors& errors);
void parse_engine(const ConfigNode& n, EngineConfig& out, ConfigErrors& errors);
void parse_journal(const ConfigNode& n, JournalConfig& out, ConfigErrors& errors);
void parse_risk(const ConfigNode& n, RiskConfig& out, ConfigErrors& errors);
void parse_settlement(const ConfigNode& n, SettlementConfig& out, ConfigErrors& errors);
void parse_localnet(const ConfigNode& n, LocalnetConfig& out, std::vector<PortUse>& ports,
                    ConfigErrors& errors);
void parse_metrics(const ConfigNode& n, MetricsConfig& out, std::vector<PortUse>& ports,
                   ConfigErrors& errors);
void parse_admin(const ConfigNode& n, AdminConfig& out, ConfigErrors& errors);
void parse_logging(const ConfigNode& n, LoggingConfig& out, ConfigErrors& errors);
void parse_market_data(const ConfigNode& n, MarketDataConfig& out, ConfigErrors& errors);

}  // namespace qd
