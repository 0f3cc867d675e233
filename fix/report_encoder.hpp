#pragma once
// Core events and gateway decisions -> outbound FIX 4.4 messages (ExecutionReport 8,
// OrderCancelReject 9, OrderMassCancelReport r, BusinessMessageReject j). Standard fields carry
// FIX 4.4 enum values only, so a desk validating with the stock FIX 4.4 dictionary accepts every
// message; venue information goes in the venue tags of venue_tags.hpp.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "fix/directory.hpp"
#include "fix/order_decoder.hpp"
#include "fix/order_view.hpp"
#include "fix/quickfix.hpp"
#include "fix/wire_message.hpp"

namespace qd::fix {

struct EncodeContext {
  const Directory& directory;
  int timestamp_digits = 3;  ///< fraction digits of TransactTime (0, 3, 6, 9)
};

/// "<seq>.<index>": ExecIDs and TradeIDs come from the engine's sequence, stable across replay.
std::string exec_id_text(ExecId id);

/// FIX 4.4 OrdStatus (39) for an order state.
char ord_status_code(const OrderState& s);

/// The message the owner of the order gets for `e`; nullopt for events that have none
/// (market status, mark price, and mass cancels nobody asked for).
std::optional<WireMessage> encode_event_wire(const Event& e, const EncodeContext& ctx);
/// The same as a QuickFIX Message; nullptr where encode_event_wire gives nullopt.
std::unique_ptr<FIX::Message> encode_event(const Event& e, const EncodeContext& ctx);

/// Fill reports for position changes the venue made without an order of the account's own
/// (auto-deleveraging, the insurance fund taking over a liquidated position), addressed to the
/// accounts concerned. Empty for every other event.
std::vector<std::pair<AccountId, WireMessage>> encode_position_events(const Event& e,
                                                                      const EncodeContext& ctx);

/// ExecutionReport ExecType=I (order status) for a known order. `ord_status_req_id` echoes 790;
/// `mass_status` fills MassStatusReqID (584), TotNumReports (911) and LastRptRequested (912).
struct MassStatusPart {
  std::string mass_status_req_id;
  int total = 0;
  bool last = false;
};
FIX::Message encode_status(const OrderView::Order& o, const EncodeContext& ctx,
                           const std::string& exec_id,
                           const std::optional<std::string>& ord_status_req_id,
                           const std::optional<MassStatusPart>& mass_status, TimestampNs now);

/// ExecutionReport ExecType=I, OrdStatus=8, OrdRejReason=5 for an order the venue does not
/// know (OrderStatusRequest), or the single "no orders" answer of a mass status request.
FIX::Message encode_unknown_status(const FIX::Message& request, const EncodeContext& ctx,
                                   const std::string& exec_id, const std::string& text,
                                   const std::optional<MassStatusPart>& mass_status,
                                   TimestampNs now);

/// ExecutionReport ExecType=8 for a NewOrderSingle the gateway refused before the engine.
FIX::Message encode_order_reject(const FIX::Message& request, const Rejection& why,
                                 const EncodeContext& ctx, const std::string& exec_id,
                                 TimestampNs now);

/// OrderCancelReject for an F or G the gateway refused; `order` when the view knows it.
FIX::Message encode_cancel_reject(const FIX::Message& request, const Rejection& why,
                                  const OrderView::Order* order, const EncodeContext& ctx,
                                  TimestampNs now);

/// OrderMassCancelReport with MassCancelResponse=0 (rejected).
FIX::Message encode_mass_cancel_reject(const FIX::Message& request, const Rejection& why,
                                       const EncodeContext& ctx, TimestampNs now);

/// BusinessMessageReject (j) referring to `request`.
FIX::Message encode_business_reject(const FIX::Message& request, const Rejection& why,
                                    std::optional<int> business_reject_reason = std::nullopt);

/// Adds ThrottleRemaining (20006) and ThrottleRefillMs (20007) to a reject.
void add_throttle_fields(FIX::Message& msg, uint32_t remaining, int64_t refill_ms);

}  // namespace qd::fix
