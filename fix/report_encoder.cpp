#include "fix/report_encoder.hpp"

#include <type_traits>

#include "core/decimal.hpp"
#include "fix/fix_time.hpp"
#include "fix/reject_table.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {

namespace {

namespace t = std_tag;

void set(FIX::FieldMap& m, int tag, const std::string& v) {
  m.setField(tag, v);
}
void set(FIX::FieldMap& m, int tag, char v) {
  m.setField(tag, std::string(1, v));
}
void set(FIX::FieldMap& m, int tag, int64_t v) {
  m.setField(tag, std::to_string(v));
}
void set(WireMessage& m, int tag, const std::string& v) {
  m.set(tag, std::string_view(v));
}
void set(WireMessage& m, int tag, char v) {
  m.set(tag, v);
}
void set(WireMessage& m, int tag, int64_t v) {
  m.set(tag, v);
}

FIX::Message make(const char* msg_type) {
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType(msg_type));
  return m;
}

char ord_type_code(OrderType t) {
  switch (t) {
    case OrderType::market:
      return '1';
    case OrderType::limit:
      return '2';
    case OrderType::stop_market:
      return '3';
    case OrderType::stop_limit:
      return '4';
  }
  return '2';
}

char tif_code(TimeInForce t) {
  switch (t) {
    case TimeInForce::day:
      return '0';
    case TimeInForce::gtc:
      return '1';
    case TimeInForce::ioc:
      return '3';
    case TimeInForce::fok:
      return '4';
    case TimeInForce::gtd:
      return '6';
  }
  return '1';
}

std::string order_id_text(OrderId id) {
  return id == 0 ? "NONE" : std::to_string(id);
}

/// A value the stock dictionary reads as a number: digits, at most one '.', an optional '-'.
bool is_plain_decimal(const std::string& s) {
  bool digit = false, point = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c == '.' && !point)
      point = true;
    else if (!(c == '-' && i == 0))
      return false;
  }
  return digit;
}

void echo(FIX::Message& out, const FIX::Message& in, int tag) {
  if (std::optional<std::string> v = get_field(in, tag)) set(out, tag, *v);
}

void echo_decimal(FIX::Message& out, const FIX::Message& in, int tag) {
  if (std::optional<std::string> v = get_field(in, tag); v && is_plain_decimal(*v))
    set(out, tag, *v);
}

void echo_enum(FIX::Message& out, const FIX::Message& in, int tag, std::string_view allowed) {
  if (std::optional<std::string> v = get_field(in, tag);
      v && v->size() == 1 && allowed.find((*v)[0]) != std::string_view::npos)
    set(out, tag, *v);
}

template <class M>
void set_reject_codes(M& m, const Rejection& why, bool order_reject) {
  RejectCodes c = reject_codes(why.reason);
  if (order_reject) set(m, t::OrdRejReason, int64_t(c.ord_rej_reason));
  set(m, t::Text, why.text.empty() ? std::string(to_string(why.reason)) : why.text);
  set(m, tag::VenueRejectCode, int64_t(why.reason));
}

/// The fields every ExecutionReport about a known order repeats (M: FIX::Message or WireMessage).
template <class M>
void set_order_fields(M& m, const OrderState& s, const EncodeContext& ctx) {
  set(m, t::OrderID, order_id_text(s.order_id));
  if (!s.client_id.empty()) set(m, t::ClOrdID, std::string(s.client_id.view()));
  const std::string& account = ctx.directory.account_name(s.origin.account);
  if (!account.empty()) set(m, t::Account, account);
  if (const MarketConfig* market = ctx.directory.market(s.market))
    set(m, t::Symbol, market->symbol);
  set(m, t::Side, s.side == Side::buy ? '1' : '2');
  set(m, t::OrderQty, to_string(s.order_qty));
  set(m, t::OrdType, ord_type_code(s.type));
  if (s.type == OrderType::limit || s.type == OrderType::stop_limit)
    set(m, t::Price, to_string(s.price));
  if (s.type == OrderType::stop_market || s.type == OrderType::stop_limit)
    set(m, t::StopPx, to_string(s.stop_price));
  set(m, t::TimeInForce, tif_code(s.tif));
  if (s.tif == TimeInForce::gtd)
    set(m, t::ExpireTime, format_utc_timestamp(s.expire_time, ctx.timestamp_digits));
  if (s.post_only || s.reduce_only) {
    std::string inst = s.post_only ? "6" : "";
    if (s.reduce_only) inst += inst.empty() ? "E" : " E";
    set(m, t::ExecInst, inst);
  }
  set(m, t::OrdStatus, ord_status_code(s));
  set(m, t::LeavesQty, to_string(s.leaves_qty));
  set(m, t::CumQty, to_string(s.cum_qty));
  set(m, t::AvgPx, to_string(s.avg_price));
  if (s.origin.session == 0) set(m, tag::VenueInitiated, 'Y');
}

WireMessage execution_report(const OrderState& s, const Event& e, char exec_type,
                             const EncodeContext& ctx) {
  WireMessage m("8");
  set_order_fields(m, s, ctx);
  set(m, t::ExecID, exec_id_text(e.exec_id()));
  set(m, t::ExecType, exec_type);
  set(m, t::TransactTime, format_utc_timestamp(e.ts, ctx.timestamp_digits));
  return m;
}

char mass_cancel_type(MassCancelScope s) {
  return s == MassCancelScope::account_market || s == MassCancelScope::market ? '1' : '7';
}

}  // namespace

std::string exec_id_text(ExecId id) {
  return std::to_string(id.seq) + "." + std::to_string(id.index);
}

char ord_status_code(const OrderState& s) {
  switch (s.status) {
    case OrderStatus::pending_trigger:
    case OrderStatus::new_:
      return '0';
    case OrderStatus::partially_filled:
      return '1';
    case OrderStatus::filled:
      return '2';
    case OrderStatus::canceled:
      return '4';
    case OrderStatus::replaced:
      return s.cum_qty.is_zero() ? '0' : '1';
    case OrderStatus::rejected:
      return '8';
    case OrderStatus::expired:
      return 'C';
  }
  return '0';
}

std::optional<WireMessage> encode_event_wire(const Event& e, const EncodeContext& ctx) {
  return std::visit(
      [&](const auto& b) -> std::optional<WireMessage> {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, OrderAccepted>) {
          return execution_report(b.order, e, '0', ctx);
        } else if constexpr (std::is_same_v<T, OrderRejected>) {
          WireMessage m = execution_report(b.order, e, '8', ctx);
          set(m, t::OrdStatus, '8');
          set(m, t::LeavesQty, std::string("0"));
          set_reject_codes(m, Rejection{b.reason, b.text.empty() ? to_string(b.reason) : b.text},
                           true);
          return m;
        } else if constexpr (std::is_same_v<T, OrderTriggered>) {
          WireMessage m = execution_report(b.order, e, 'D', ctx);
          set(m, t::ExecRestatementReason, int64_t(8));  // market (exchange) option
          set(m, t::Text, std::string("stop price reached: order triggered"));
          return m;
        } else if constexpr (std::is_same_v<T, OrderFilled>) {
          WireMessage m = execution_report(b.order, e, 'F', ctx);
          set(m, t::LastPx, to_string(b.last_price));
          set(m, t::LastQty, to_string(b.last_qty));
          set(m, t::LastLiquidityInd, b.liquidity == Liquidity::maker ? '1' : '2');
          set(m, tag::TradeID, exec_id_text(b.trade_id));
          // The engine charges the fee (signed: < 0 is a maker rebate), in USDC.
          set(m, t::Commission, to_string(b.fee));
          set(m, t::CommType, '3');  // absolute
          if (b.liquidation)
            set(m, tag::CancelCause, int64_t(cancel_cause_code(CancelReason::liquidation)));
          return m;
        } else if constexpr (std::is_same_v<T, OrderCanceled>) {
          bool expired = b.reason == CancelReason::expired;
          WireMessage m = execution_report(b.order, e, expired ? 'C' : '4', ctx);
          set(m, t::OrdStatus, expired ? 'C' : '4');
          set(m, t::LeavesQty, std::string("0"));
          if (!b.request_client_id.empty()) {
            // ClOrdID is the cancel request's, OrigClOrdID the order's own.
            const ClientOrderId& own = b.order.client_id == b.request_client_id
                                           ? b.order.orig_client_id
                                           : b.order.client_id;
            set(m, t::ClOrdID, std::string(b.request_client_id.view()));
            if (!own.empty()) set(m, t::OrigClOrdID, std::string(own.view()));
          }
          set(m, tag::CancelCause, int64_t(cancel_cause_code(b.reason)));
          set(m, t::Text, std::string(to_string(b.reason)));
          return m;
        } else if constexpr (std::is_same_v<T, OrderRestated>) {
          // The venue lowered the open quantity (STP decrement, reduce-only resize).
          WireMessage m = execution_report(b.order, e, 'D', ctx);
          set(m, t::ExecRestatementReason, int64_t(8));  // market (exchange) option
          set(m, tag::CancelCause, int64_t(cancel_cause_code(b.reason)));
          set(m, t::Text,
              std::string(to_string(b.reason)) + ": open quantity reduced by " +
                  to_string(b.reduced_by));
          return m;
        } else if constexpr (std::is_same_v<T, OrderReplaced>) {
          WireMessage m = execution_report(b.order, e, '5', ctx);
          if (!b.order.orig_client_id.empty())
            set(m, t::OrigClOrdID, std::string(b.order.orig_client_id.view()));
          set(m, tag::PriorityKept, b.kept_priority ? 'Y' : 'N');
          return m;
        } else if constexpr (std::is_same_v<T, CancelRejected>) {
          WireMessage m("9");
          set(m, t::OrderID, order_id_text(b.order_id));
          set(m, t::ClOrdID, std::string(b.client_id.view()));
          set(m, t::OrigClOrdID, std::string(b.orig_client_id.view()));
          OrderState s;
          s.status = b.status;
          set(m, t::OrdStatus, b.order_id == 0 ? '8' : ord_status_code(s));
          const std::string& account = ctx.directory.account_name(b.origin.account);
          if (!account.empty()) set(m, t::Account, account);
          set(m, t::CxlRejResponseTo, b.response_to == CancelRejectTo::cancel ? '1' : '2');
          set(m, t::CxlRejReason, int64_t(reject_codes(b.reason).cxl_rej_reason));
          set(m, t::TransactTime, format_utc_timestamp(e.ts, ctx.timestamp_digits));
          set_reject_codes(m, Rejection{b.reason, to_string(b.reason)}, false);
          return m;
        } else if constexpr (std::is_same_v<T, MassCancelDone>) {
          if (b.client_id.empty()) return std::nullopt;  // cancel-on-disconnect: nobody asked
          WireMessage m("r");
          set(m, t::ClOrdID, std::string(b.client_id.view()));
          set(m, t::OrderID, exec_id_text(e.exec_id()));
          char type = mass_cancel_type(b.scope);
          set(m, t::MassCancelRequestType, type);
          bool ok = b.reason == RejectReason::none;
          set(m, t::MassCancelResponse, ok ? type : '0');
          if (!ok) {
            // 532 is a char in FIX 4.4: only "1" (unknown security) is sent; Text says the rest.
            if (b.reason == RejectReason::unknown_market) set(m, t::MassCancelRejectReason, '1');
            set_reject_codes(m, Rejection{b.reason, to_string(b.reason)}, false);
          }
          set(m, t::TotalAffectedOrders, int64_t(b.canceled));
          if (type == '1')
            if (const MarketConfig* market = ctx.directory.market(b.market))
              set(m, t::Symbol, market->symbol);
          const std::string& account = ctx.directory.account_name(b.origin.account);
          if (!account.empty()) set(m, t::Account, account);
          set(m, t::TransactTime, format_utc_timestamp(e.ts, ctx.timestamp_digits));
          return m;
        } else {
          return std::nullopt;
        }
      },
      e.body);
}

std::unique_ptr<FIX::Message> encode_event(const Event& e, const EncodeContext& ctx) {
  std::optional<WireMessage> m = encode_event_wire(e, ctx);
  return m ? std::make_unique<FIX::Message>(m->to_message()) : nullptr;
}

std::vector<std::pair<AccountId, WireMessage>> encode_position_events(const Event& e,
                                                                      const EncodeContext& ctx) {
  std::vector<std::pair<AccountId, WireMessage>> out;
  // A position change without an order of the account's own: a fill report with OrderID
  // "NONE", the venue's ExecID, and the cause.
  auto fill = [&](AccountId account, MarketId market, Side side, Qty qty, Price px,
                  CancelReason cause, uint32_t part) {
    WireMessage m("8");
    set(m, t::OrderID, std::string("NONE"));
    set(m, t::ExecID, exec_id_text(e.exec_id()) + "-" + std::to_string(part));
    set(m, t::ExecType, 'F');
    set(m, t::OrdStatus, '2');
    const std::string& name = ctx.directory.account_name(account);
    if (!name.empty()) set(m, t::Account, name);
    if (const MarketConfig* mk = ctx.directory.market(market)) set(m, t::Symbol, mk->symbol);
    set(m, t::Side, side == Side::buy ? '1' : '2');
    set(m, t::OrderQty, to_string(qty));
    set(m, t::LastQty, to_string(qty));
    set(m, t::LastPx, to_string(px));
    set(m, t::LeavesQty, std::string("0"));
    set(m, t::CumQty, to_string(qty));
    set(m, t::AvgPx, to_string(px));
    set(m, t::TransactTime, format_utc_timestamp(e.ts, ctx.timestamp_digits));
    set(m, tag::CancelCause, int64_t(cancel_cause_code(cause)));
    set(m, tag::VenueInitiated, 'Y');
    set(m, t::Text, std::string(to_string(cause)));
    out.emplace_back(account, std::move(m));
  };
  if (const auto* adl = std::get_if<AutoDeleveraged>(&e.body)) {
    fill(adl->account, adl->market, opposite(adl->counterparty_side), adl->qty, adl->price,
         CancelReason::adl, 0);
    fill(adl->counterparty, adl->market, adl->counterparty_side, adl->qty, adl->price,
         CancelReason::adl, 1);
  } else if (const auto* take = std::get_if<InsuranceTakeover>(&e.body)) {
    fill(take->account, take->market, take->account_side, take->qty, take->price,
         CancelReason::liquidation, 0);
  }
  return out;
}

FIX::Message encode_status(const OrderView::Order& o, const EncodeContext& ctx,
                           const std::string& exec_id,
                           const std::optional<std::string>& ord_status_req_id,
                           const std::optional<MassStatusPart>& mass_status, TimestampNs now) {
  FIX::Message m = make("8");
  set_order_fields(m, o.state, ctx);
  set(m, t::ExecID, exec_id);
  set(m, t::ExecType, 'I');
  set(m, t::TransactTime, format_utc_timestamp(now, ctx.timestamp_digits));
  if (ord_status_req_id) set(m, t::OrdStatusReqID, *ord_status_req_id);
  if (mass_status) {
    set(m, t::MassStatusReqID, mass_status->mass_status_req_id);
    set(m, t::TotNumReports, int64_t(mass_status->total));
    if (mass_status->last) set(m, t::LastRptRequested, 'Y');
  }
  return m;
}

FIX::Message encode_unknown_status(const FIX::Message& request, const EncodeContext& ctx,
                                   const std::string& exec_id, const std::string& text,
                                   const std::optional<MassStatusPart>& mass_status,
                                   TimestampNs now) {
  FIX::Message m = make("8");
  set(m, t::OrderID, std::string("NONE"));
  echo(m, request, t::ClOrdID);
  echo(m, request, t::Account);
  echo(m, request, t::Symbol);
  std::optional<std::string> side = get_field(request, t::Side);
  set(m, t::Side, side == "1" || side == "2" ? (*side)[0] : '7');  // 7 = undisclosed
  set(m, t::ExecID, exec_id);
  set(m, t::ExecType, 'I');
  set(m, t::OrdStatus, '8');
  if (!mass_status) set(m, t::OrdRejReason, int64_t(5));  // unknown order
  set(m, t::LeavesQty, std::string("0"));
  set(m, t::CumQty, std::string("0"));
  set(m, t::AvgPx, std::string("0"));
  set(m, t::TransactTime, format_utc_timestamp(now, ctx.timestamp_digits));
  set(m, t::Text, text);
  echo(m, request, t::OrdStatusReqID);
  if (mass_status) {
    set(m, t::MassStatusReqID, mass_status->mass_status_req_id);
    set(m, t::TotNumReports, int64_t(mass_status->total));
    set(m, t::LastRptRequested, 'Y');
  }
  return m;
}

FIX::Message encode_order_reject(const FIX::Message& request, const Rejection& why,
                                 const EncodeContext& ctx, const std::string& exec_id,
                                 TimestampNs now) {
  FIX::Message m = make("8");
  set(m, t::OrderID, std::string("NONE"));
  echo(m, request, t::ClOrdID);
  echo(m, request, t::Account);
  echo(m, request, t::Symbol);
  std::optional<std::string> side = get_field(request, t::Side);
  set(m, t::Side, side == "1" || side == "2" ? (*side)[0] : '7');
  echo_decimal(m, request, t::OrderQty);
  echo_enum(m, request, t::OrdType, "1234");
  echo_decimal(m, request, t::Price);
  echo_decimal(m, request, t::StopPx);
  echo_enum(m, request, t::TimeInForce, "01346");
  set(m, t::ExecID, exec_id);
  set(m, t::ExecType, '8');
  set(m, t::OrdStatus, '8');
  set(m, t::LeavesQty, std::string("0"));
  set(m, t::CumQty, std::string("0"));
  set(m, t::AvgPx, std::string("0"));
  set(m, t::TransactTime, format_utc_timestamp(now, ctx.timestamp_digits));
  set_reject_codes(m, why, true);
  return m;
}

FIX::Message encode_cancel_reject(const FIX::Message& request, const Rejection& why,
                                  const OrderView::Order* order, const EncodeContext& ctx,
                                  TimestampNs now) {
  FIX::Message m = make("9");
  set(m, t::OrderID, order ? order_id_text(order->state.order_id) : std::string("NONE"));
  echo(m, request, t::ClOrdID);
  echo(m, request, t::OrigClOrdID);
  set(m, t::OrdStatus, order ? ord_status_code(order->state) : '8');
  echo(m, request, t::Account);
  std::string type = request.getHeader().getField(t::MsgType);
  set(m, t::CxlRejResponseTo, type == "G" ? '2' : '1');
  set(m, t::CxlRejReason, int64_t(reject_codes(why.reason).cxl_rej_reason));
  set(m, t::TransactTime, format_utc_timestamp(now, ctx.timestamp_digits));
  set_reject_codes(m, why, false);
  return m;
}

FIX::Message encode_mass_cancel_reject(const FIX::Message& request, const Rejection& why,
                                       const EncodeContext& ctx, TimestampNs now) {
  FIX::Message m = make("r");
  echo(m, request, t::ClOrdID);
  set(m, t::OrderID, std::string("NONE"));
  std::optional<std::string> type = get_field(request, t::MassCancelRequestType);
  set(m, t::MassCancelRequestType, type == "1" ? '1' : '7');
  set(m, t::MassCancelResponse, '0');
  if (why.reason == RejectReason::unknown_market) set(m, t::MassCancelRejectReason, '1');
  echo(m, request, t::Symbol);
  echo(m, request, t::Account);
  set(m, t::TransactTime, format_utc_timestamp(now, ctx.timestamp_digits));
  set_reject_codes(m, why, false);
  return m;
}

FIX::Message encode_business_reject(const FIX::Message& request, const Rejection& why,
                                    std::optional<int> business_reject_reason) {
  FIX::Message m = make("j");
  const FIX::Header& h = request.getHeader();
  if (h.isSetField(t::MsgSeqNum)) set(m, t::RefSeqNum, h.getField(t::MsgSeqNum));
  set(m, t::RefMsgType, h.isSetField(t::MsgType) ? h.getField(t::MsgType) : std::string("?"));
  for (int id_tag : {t::ClOrdID, t::MassStatusReqID, t::OrdStatusReqID}) {
    if (std::optional<std::string> v = get_field(request, id_tag)) {
      set(m, t::BusinessRejectRefID, *v);
      break;
    }
  }
  set(m, t::BusinessRejectReason,
      int64_t(business_reject_reason.value_or(reject_codes(why.reason).business_rej_reason)));
  set_reject_codes(m, why, false);
  return m;
}

void add_throttle_fields(FIX::Message& msg, uint32_t remaining, int64_t refill_ms) {
  set(msg, tag::ThrottleRemaining, int64_t(remaining));
  set(msg, tag::ThrottleRefillMs, refill_ms);
}

}  // namespace qd::fix
