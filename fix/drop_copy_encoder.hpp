#pragma once
// Engine events -> the messages a drop-copy session gets: the owner's own ExecutionReport (same
// ExecID, ClOrdID, Account, values) flagged CopyMsgIndicator (797=Y) and naming the session that
// entered the order (OriginSession 20030), or a TradeCaptureReport (AE) per fill when the session
// asked for them (SessionConfig::trade_capture_reports).

#include <optional>
#include <string>
#include <vector>

#include "app/config/venue_config.hpp"
#include "core/event.hpp"
#include "fix/report_encoder.hpp"

namespace qd::fix {

/// What one drop-copy session watches and how it wants fills.
struct DropCopyScope {
  const std::vector<AccountId>& accounts;  ///< resolved; the whole list when `accounts: "all"`
  bool trade_capture_reports = false;      ///< fills as AE instead of ExecutionReport F
};

/// The journal kinds (events.kind) that can produce a drop copy: catch-up reads only these.
const std::vector<std::string>& drop_copy_journal_kinds();

/// OriginSession (20030) text: the SenderCompID of session `number`, "VENUE" for orders and
/// position changes the venue made itself (number 0: liquidation, ADL, insurance takeover).
std::string origin_session_name(const VenueConfig& config, SessionId number);

/// The drop copies of `e` for a session with `scope`, in the order the owner got them; empty
/// when the event concerns none of its accounts or is not an order event (cancel rejects, mass
/// cancel reports, prices, collateral and funding events are not copied).
std::vector<FIX::Message> encode_drop_copies(const Event& e, const DropCopyScope& scope,
                                             const VenueConfig& config, const EncodeContext& ctx);

/// TradeCaptureReport (AE) for one side of a trade: TradeReportID (571) and ExecID (17) are the
/// owner's ExecID, TrdMatchID (880) the trade's id (the same on both sides), one NoSides entry.
FIX::Message encode_trade_capture(const Event& e, const OrderFilled& fill,
                                  const VenueConfig& config, const EncodeContext& ctx);

}  // namespace qd::fix
