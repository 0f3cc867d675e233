#include "fix/drop_copy_encoder.hpp"

#include <algorithm>
#include <type_traits>

#include "core/decimal.hpp"
#include "fix/fix_time.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {

namespace {

namespace t = std_tag;

bool watches(const DropCopyScope& scope, AccountId account) {
  return account != 0 &&
         std::find(scope.accounts.begin(), scope.accounts.end(), account) != scope.accounts.end();
}

void mark_copy(FIX::Message& m, const std::string& origin) {
  m.setField(t::CopyMsgIndicator, "Y");
  m.setField(tag::OriginSession, origin);
}

/// The order an order event is about; nullptr for every other event.
const OrderState* order_of(const EventBody& body) {
  return std::visit(
      [](const auto& b) -> const OrderState* {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, OrderAccepted> || std::is_same_v<T, OrderRejected> ||
                      std::is_same_v<T, OrderTriggered> || std::is_same_v<T, OrderFilled> ||
                      std::is_same_v<T, OrderCanceled> || std::is_same_v<T, OrderRestated> ||
                      std::is_same_v<T, OrderReplaced>)
          return &b.order;
        else
          return nullptr;
      },
      body);
}

}  // namespace

const std::vector<std::string>& drop_copy_journal_kinds() {
  static const std::vector<std::string> kinds = {"accepted", "rejected",           "triggered",
                                                 "fill",     "canceled",           "restated",
                                                 "replaced", "insurance_takeover", "adl"};
  return kinds;
}

std::string origin_session_name(const VenueConfig& config, SessionId number) {
  if (number == 0 || number > config.sessions.size()) return "VENUE";
  return config.sessions[number - 1].sender_comp_id;
}

FIX::Message encode_trade_capture(const Event& e, const OrderFilled& fill,
                                  const VenueConfig& config, const EncodeContext& ctx) {
  const OrderState& o = fill.order;
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType("AE"));
  const std::string exec_id = exec_id_text(e.exec_id());
  m.setField(t::TradeReportID, exec_id);
  m.setField(t::ExecID, exec_id);
  m.setField(t::TrdMatchID, exec_id_text(fill.trade_id));
  m.setField(t::PreviouslyReported, "N");
  if (const MarketConfig* market = ctx.directory.market(o.market))
    m.setField(t::Symbol, market->symbol);
  m.setField(t::LastQty, to_string(fill.last_qty));
  m.setField(t::LastPx, to_string(fill.last_price));
  m.setField(t::TradeDate, format_utc_timestamp(e.ts, 0).substr(0, 8));
  m.setField(t::TransactTime, format_utc_timestamp(e.ts, ctx.timestamp_digits));
  mark_copy(m, origin_session_name(config, o.origin.session));
  FIX::Group side(t::NoSides, t::Side);
  side.setField(t::Side, o.side == Side::buy ? "1" : "2");
  side.setField(t::OrderID, std::to_string(o.order_id));
  if (!o.client_id.empty()) side.setField(t::ClOrdID, std::string(o.client_id.view()));
  const std::string& account = ctx.directory.account_name(o.origin.account);
  if (!account.empty()) side.setField(t::Account, account);
  side.setField(t::Commission, to_string(fill.fee));
  side.setField(t::CommType, "3");  // absolute, USDC
  m.addGroup(side);
  return m;
}

std::vector<FIX::Message> encode_drop_copies(const Event& e, const DropCopyScope& scope,
                                             const VenueConfig& config, const EncodeContext& ctx) {
  std::vector<FIX::Message> out;
  if (const OrderState* o = order_of(e.body)) {
    if (!watches(scope, o->origin.account)) return out;
    const std::string origin = origin_session_name(config, o->origin.session);
    if (const auto* fill = std::get_if<OrderFilled>(&e.body); fill && scope.trade_capture_reports) {
      out.push_back(encode_trade_capture(e, *fill, config, ctx));
      return out;
    }
    if (std::unique_ptr<FIX::Message> m = encode_event(e, ctx)) {
      mark_copy(*m, origin);
      out.push_back(*m);
    }
    return out;
  }
  // Position changes without an order of the account's own (ADL, insurance takeover).
  for (auto& [account, report] : encode_position_events(e, ctx)) {
    if (!watches(scope, account)) continue;
    FIX::Message m = report.to_message();
    mark_copy(m, "VENUE");
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace qd::fix
