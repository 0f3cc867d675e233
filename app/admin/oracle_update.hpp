#pragma once
// The one place `qdctl oracle set` becomes an engine command: an exact primary oracle reading
// (SetOraclePrice, confidence 0) published at the moment of the admin command. The margin core
// derives the mark from it (without the margin core the reading is the mark). A market whose
// oracle source is a feed would take its prices from that feed instead; this is for venues whose
// `oracle.source` is `admin` (test venues, the quickstart).

#include "core/command.hpp"

namespace qd {
class Exchange;
}

namespace qd::admin {

/// The sequenced command for an admin oracle price (1e-6 USDC, > 0) published at
/// `publish_time` (ns since the epoch).
CommandBody oracle_update_command(MarketId market, Price price, TimestampNs publish_time);

/// True once the engine holds that reading as the market's latest (engine thread).
bool oracle_update_applied(const Exchange& exchange, MarketId market, Price price,
                           TimestampNs publish_time);

}  // namespace qd::admin
