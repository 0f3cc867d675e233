#pragma once
// Reference data over FIX 4.4: SecurityListRequest (x) -> SecurityList (y) with each market's
// tick (969), lot (561), minimum size (562), order limits and trading status from the venue
// config and the engine's MarketStatusChanged events; SecurityStatusRequest (e) -> SecurityStatus
// (f) on request, and pushed on every halt / resume / close while a subscription (263=1) lasts.
// No engine queries: status is followed from the committed events (journal replay included), so
// nothing here blocks.
//
// Roles: order_entry and market_data sessions may send x and e; drop_copy sessions get a
// BusinessMessageReject from the gateway. Subscriptions end with 263=2 or at Logout.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/order_types.hpp"
#include "fix/gateway_service.hpp"

namespace qd::fix {

/// SecurityTradingStatus (326) for a market status: 17 ready to trade, 2 halt, 18 not available.
int security_trading_status(MarketStatus s);

/// SecurityList (y) for `markets` (already filtered), one message per `per_message` markets:
/// TotNoRelatedSym (393) = all of them, LastFragment (893) = Y on the last. A request that matched
/// nothing gets one message with SecurityRequestResult (560) `result` and `text`.
struct SecurityListEntry {
  const MarketConfig* market;
  MarketStatus status;
};
std::vector<FIX::Message> encode_security_list(const std::string& req_id,
                                               const std::string& response_id,
                                               const std::vector<SecurityListEntry>& markets,
                                               int result = 0, const std::string& text = "",
                                               size_t per_message = 100);

/// SecurityStatus (f). `req_id` empty for none; `unsolicited` Y on subscription pushes.
FIX::Message encode_security_status(const std::string& req_id, const std::string& symbol,
                                    MarketStatus status, bool unsolicited, TimestampNs now,
                                    int timestamp_digits);

class ReferenceDataService final : public GatewayService {
 public:
  explicit ReferenceDataService(const GatewayContext& context);

  bool handles(std::string_view msg_type) const override;
  /// x and e: order_entry and market_data; never drop_copy.
  bool permitted(SessionRole role, std::string_view msg_type) const override;
  void on_request(const FIX::Message& msg, SessionHandle& session) override;
  void on_events(std::span<const Event> events, bool live) override;
  void save_view(ByteWriter& out) const override;
  void restore_view(ByteReader& in) override;
  void on_logout(SessionHandle& session) override;

  /// The status the service holds for a market (config, then events); nullopt when unknown.
  std::optional<MarketStatus> status(MarketId market) const;
  /// Open SecurityStatus subscriptions (tests, metrics).
  size_t subscriptions() const;

 private:
  void on_security_list_request(const FIX::Message& msg, SessionHandle& session);
  void on_security_status_request(const FIX::Message& msg, SessionHandle& session);
  std::string next_response_id();

  GatewayContext context_;
  mutable std::mutex mu_;  ///< guards everything below and orders status answers and pushes
  std::vector<MarketStatus> status_;  ///< index = MarketId
  /// (session number, SecurityStatusReqID) -> market.
  std::map<std::pair<SessionId, std::string>, MarketId> subscriptions_;
  std::string response_prefix_;
  uint64_t response_counter_ = 0;
};

}  // namespace qd::fix
