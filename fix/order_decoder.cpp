#include "fix/order_decoder.hpp"

#include <algorithm>
#include <charconv>

#include "core/decimal.hpp"
#include "fix/fix_time.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {

namespace {

namespace t = std_tag;

Rejection reject(RejectReason r, std::string text) {
  return Rejection{r, std::move(text)};
}

std::string tag_text(const char* name, int tag) {
  return std::string(name) + " (" + std::to_string(tag) + ")";
}

template <class T>
std::variant<T, Rejection> parse_unsigned(const FIX::Message& msg, int tag, const char* name,
                                          RejectReason on_error, bool required) {
  std::optional<std::string> v = get_field(msg, tag);
  if (!v) {
    if (required) return reject(on_error, tag_text(name, tag) + " required");
    return T{};
  }
  auto p = parse_fixed<T>(*v);
  if (!p.ok()) return reject(on_error, tag_text(name, tag) + ": " + to_string(p.error));
  if (!p.value.is_positive()) return reject(on_error, tag_text(name, tag) + " must be positive");
  return p.value;
}

std::optional<Rejection> check_client_id(const FIX::Message& msg, int tag, const char* name,
                                         ClientOrderId& out) {
  std::optional<std::string> v = get_field(msg, tag);
  if (!v || !ClientOrderId::fits(*v))
    return reject(RejectReason::client_order_id_too_long,
                  tag_text(name, tag) + " must be 1 to " + std::to_string(ClientOrderId::max_size) +
                      " characters");
  out.assign(*v);
  return std::nullopt;
}

std::optional<Side> decode_side(const FIX::Message& msg) {
  std::optional<std::string> v = get_field(msg, t::Side);
  if (v == "1") return qd::Side::buy;
  if (v == "2") return qd::Side::sell;
  return std::nullopt;
}

const MarketConfig* decode_market(const FIX::Message& msg, const DecodeContext& ctx,
                                  Rejection& why) {
  std::optional<std::string> sym = get_field(msg, t::Symbol);
  if (!sym) {
    why = reject(RejectReason::unknown_market, "Symbol (55) required");
    return nullptr;
  }
  const MarketConfig* m = ctx.directory.market(*sym);
  if (!m) why = reject(RejectReason::unknown_market, "unknown Symbol (55) '" + *sym + "'");
  return m;
}

std::optional<OrderType> decode_ord_type(const std::string& v) {
  if (v == "1") return OrderType::market;
  if (v == "2") return OrderType::limit;
  if (v == "3") return OrderType::stop_market;
  if (v == "4") return OrderType::stop_limit;
  return std::nullopt;
}

std::optional<TimeInForce> decode_tif(const std::string& v) {
  if (v == "0") return TimeInForce::day;
  if (v == "1") return TimeInForce::gtc;
  if (v == "3") return TimeInForce::ioc;
  if (v == "4") return TimeInForce::fok;
  if (v == "6") return TimeInForce::gtd;
  return std::nullopt;
}

struct ExecInstFlags {
  bool post_only = false;
  bool reduce_only = false;
};

/// ExecInst is a space-separated list; the venue supports 6 (post-only) and E (reduce-only).
std::variant<ExecInstFlags, Rejection> decode_exec_inst(const FIX::Message& msg) {
  ExecInstFlags f;
  std::optional<std::string> v = get_field(msg, t::ExecInst);
  if (!v) return f;
  size_t pos = 0;
  while (pos <= v->size()) {
    size_t end = v->find(' ', pos);
    if (end == std::string::npos) end = v->size();
    std::string token = v->substr(pos, end - pos);
    if (token == "6")
      f.post_only = true;
    else if (token == "E")
      f.reduce_only = true;
    else if (!token.empty())
      return reject(RejectReason::invalid_order_type,
                    "unsupported ExecInst (18) value '" + token + "' (supported: 6, E)");
    pos = end + 1;
  }
  return f;
}

bool uses_limit_price(OrderType t) {
  return t == OrderType::limit || t == OrderType::stop_limit;
}
bool uses_stop_price(OrderType t) {
  return t == OrderType::stop_market || t == OrderType::stop_limit;
}

/// OrderID (37) as the engine's number; nullopt when absent, 0 when it is not one of ours.
std::optional<OrderId> decode_order_id(const FIX::Message& msg) {
  std::optional<std::string> v = get_field(msg, t::OrderID);
  if (!v) return std::nullopt;
  OrderId id = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), id);
  if (ec != std::errc() || ptr != v->data() + v->size()) return OrderId{0};
  return id;
}

bool permitted(const DecodeContext& ctx, AccountId a) {
  return std::find(ctx.accounts.begin(), ctx.accounts.end(), a) != ctx.accounts.end();
}

}  // namespace

std::optional<std::string> get_field(const FIX::FieldMap& map, int tag) {
  if (!map.isSetField(tag)) return std::nullopt;
  return map.getField(tag);
}

Decoded<AccountId> resolve_account(const FIX::Message& msg, const DecodeContext& ctx) {
  std::optional<std::string> name = get_field(msg, t::Account);
  if (name) {
    AccountId a = ctx.directory.account(*name);
    if (a == 0 || !permitted(ctx, a))
      return reject(RejectReason::account_not_permitted,
                    "Account (1) '" + *name + "' is not permitted on this session");
    return a;
  }
  if (ctx.accounts.size() == 1) return ctx.accounts.front();
  return reject(RejectReason::account_not_permitted,
                "Account (1) required: this session acts for several accounts");
}

Decoded<NewOrder> decode_new_order(const FIX::Message& msg, const DecodeContext& ctx) {
  NewOrder o;
  if (auto r = check_client_id(msg, t::ClOrdID, "ClOrdID", o.client_id)) return *r;
  auto account = resolve_account(msg, ctx);
  if (auto* r = std::get_if<Rejection>(&account)) return *r;
  o.origin = Origin{std::get<AccountId>(account), ctx.session};

  Rejection why;
  const MarketConfig* market = decode_market(msg, ctx, why);
  if (!market) return why;
  o.market = market->id;

  std::optional<qd::Side> side = decode_side(msg);
  if (!side) return reject(RejectReason::invalid_field, "Side (54) must be 1 (buy) or 2 (sell)");
  o.side = *side;

  std::optional<std::string> ord_type = get_field(msg, t::OrdType);
  std::optional<OrderType> type = ord_type ? decode_ord_type(*ord_type) : std::nullopt;
  if (!type)
    return reject(RejectReason::invalid_order_type,
                  "OrdType (40) must be 1 (market), 2 (limit), 3 (stop) or 4 (stop limit)");
  o.type = *type;

  auto qty =
      parse_unsigned<Qty>(msg, t::OrderQty, "OrderQty", RejectReason::invalid_quantity, true);
  if (auto* r = std::get_if<Rejection>(&qty)) return *r;
  o.qty = std::get<Qty>(qty);

  if (uses_limit_price(o.type)) {
    auto px = parse_unsigned<qd::Price>(msg, t::Price, "Price", RejectReason::invalid_price, true);
    if (auto* r = std::get_if<Rejection>(&px)) return *r;
    o.price = std::get<qd::Price>(px);
  } else if (msg.isSetField(t::Price)) {
    return reject(RejectReason::invalid_order_type,
                  "Price (44) not allowed with OrdType " + *ord_type);
  }
  if (uses_stop_price(o.type)) {
    auto stop =
        parse_unsigned<qd::Price>(msg, t::StopPx, "StopPx", RejectReason::missing_stop_price, true);
    if (auto* r = std::get_if<Rejection>(&stop)) {
      if (msg.isSetField(t::StopPx)) r->reason = RejectReason::invalid_price;
      return *r;
    }
    o.stop_price = std::get<qd::Price>(stop);
  } else if (msg.isSetField(t::StopPx)) {
    return reject(RejectReason::invalid_order_type,
                  "StopPx (99) only with OrdType 3 (stop) or 4 (stop limit)");
  }

  std::optional<std::string> tif_text = get_field(msg, t::TimeInForce);
  std::optional<qd::TimeInForce> tif =
      tif_text ? decode_tif(*tif_text) : std::optional<qd::TimeInForce>(qd::TimeInForce::day);
  if (!tif)
    return reject(RejectReason::invalid_order_type,
                  "unsupported TimeInForce (59) '" + *tif_text + "' (supported: 0, 1, 3, 4, 6)");
  o.tif = *tif;
  std::optional<std::string> expire = get_field(msg, t::ExpireTime);
  if (o.tif == qd::TimeInForce::gtd) {
    if (!expire)
      return reject(RejectReason::invalid_expire_time,
                    "ExpireTime (126) required with TimeInForce 6");
    std::optional<TimestampNs> t = parse_utc_timestamp(*expire);
    if (!t)
      return reject(RejectReason::invalid_expire_time, "ExpireTime (126) is not a UTCTimestamp");
    o.expire_time = *t;
  } else if (expire) {
    return reject(RejectReason::invalid_expire_time, "ExpireTime (126) only with TimeInForce 6");
  }

  auto inst = decode_exec_inst(msg);
  if (auto* r = std::get_if<Rejection>(&inst)) return *r;
  o.post_only = std::get<ExecInstFlags>(inst).post_only;
  o.reduce_only = std::get<ExecInstFlags>(inst).reduce_only;

  if (std::optional<std::string> stp = get_field(msg, tag::SelfTradePreventionMode)) {
    std::optional<StpMode> mode = stp->size() == 1 ? stp_from_fix((*stp)[0]) : std::nullopt;
    if (!mode)
      return reject(RejectReason::invalid_field,
                    "SelfTradePreventionMode (20002) must be N, R, A, B or D");
    o.has_stp_override = true;
    o.stp = *mode;
  }
  return o;
}

Decoded<CancelOrder> decode_cancel(const FIX::Message& msg, const DecodeContext& ctx,
                                   const OrderView& view) {
  CancelOrder c;
  if (auto r = check_client_id(msg, t::ClOrdID, "ClOrdID", c.client_id)) return *r;
  if (auto r = check_client_id(msg, t::OrigClOrdID, "OrigClOrdID", c.ref.orig_client_id)) return *r;
  Rejection why;
  const MarketConfig* market = decode_market(msg, ctx, why);
  if (!market) return why;
  c.market = market->id;

  const OrderView::Order* known = nullptr;
  if (std::optional<OrderId> id = decode_order_id(msg)) {
    if (*id == 0) return reject(RejectReason::unknown_order, "unknown OrderID (37)");
    known = view.find(*id);
    c.ref.order_id = *id;
  } else {
    known = view.find(ctx.session, c.ref.orig_client_id.view());
    if (known) c.ref.order_id = known->state.order_id;
  }
  if (known) {
    if (!permitted(ctx, known->state.origin.account))
      return reject(RejectReason::unknown_order, "unknown order");
    c.origin = Origin{known->state.origin.account, ctx.session};
  } else {
    auto account = resolve_account(msg, ctx);
    if (auto* r = std::get_if<Rejection>(&account)) return *r;
    c.origin = Origin{std::get<AccountId>(account), ctx.session};
  }
  return c;
}

Decoded<ReplaceOrder> decode_replace(const FIX::Message& msg, const DecodeContext& ctx,
                                     const OrderView& view) {
  ReplaceOrder g;
  if (auto r = check_client_id(msg, t::ClOrdID, "ClOrdID", g.client_id)) return *r;
  if (auto r = check_client_id(msg, t::OrigClOrdID, "OrigClOrdID", g.ref.orig_client_id)) return *r;
  Rejection why;
  const MarketConfig* market = decode_market(msg, ctx, why);
  if (!market) return why;
  g.market = market->id;
  std::optional<qd::Side> side = decode_side(msg);
  if (!side) return reject(RejectReason::invalid_field, "Side (54) must be 1 (buy) or 2 (sell)");
  g.side = *side;

  const OrderView::Order* known = nullptr;
  if (std::optional<OrderId> id = decode_order_id(msg)) {
    if (*id == 0) return reject(RejectReason::unknown_order, "unknown OrderID (37)");
    known = view.find(*id);
  } else {
    known = view.find(ctx.session, g.ref.orig_client_id.view());
  }
  if (!known) {
    if (view.in_flight(ctx.session, g.ref.orig_client_id.view()))
      return reject(RejectReason::order_not_replaceable,
                    "original order not yet acknowledged; retry after its ExecutionReport");
    return reject(RejectReason::unknown_order, "unknown order");
  }
  const OrderState& s = known->state;
  if (!permitted(ctx, s.origin.account))
    return reject(RejectReason::unknown_order, "unknown order");
  g.origin = Origin{s.origin.account, ctx.session};
  g.ref.order_id = s.order_id;
  if (s.market != g.market)
    return reject(RejectReason::unknown_order, "Symbol (55) does not match the order");

  std::optional<std::string> ord_type = get_field(msg, t::OrdType);
  std::optional<OrderType> type = ord_type ? decode_ord_type(*ord_type) : std::nullopt;
  if (!type) return reject(RejectReason::invalid_order_type, "OrdType (40) must be 1, 2, 3 or 4");
  if (*type != s.type)
    return reject(RejectReason::replace_changes_type, "replace may not change OrdType (40)");
  if (std::optional<std::string> t = get_field(msg, t::TimeInForce)) {
    if (decode_tif(*t) != s.tif)
      return reject(RejectReason::order_not_replaceable, "replace may not change TimeInForce (59)");
  }
  if (std::optional<std::string> e = get_field(msg, t::ExpireTime)) {
    if (parse_utc_timestamp(*e) != std::optional<TimestampNs>(s.expire_time))
      return reject(RejectReason::order_not_replaceable, "replace may not change ExpireTime (126)");
  }
  auto inst = decode_exec_inst(msg);
  if (auto* r = std::get_if<Rejection>(&inst)) return *r;
  if (msg.isSetField(t::ExecInst) && (std::get<ExecInstFlags>(inst).post_only != s.post_only ||
                                      std::get<ExecInstFlags>(inst).reduce_only != s.reduce_only))
    return reject(RejectReason::order_not_replaceable, "replace may not change ExecInst (18)");

  auto qty =
      parse_unsigned<Qty>(msg, t::OrderQty, "OrderQty", RejectReason::invalid_quantity, true);
  if (auto* r = std::get_if<Rejection>(&qty)) return *r;
  g.qty = std::get<Qty>(qty);
  if (uses_limit_price(s.type)) {
    auto px = parse_unsigned<qd::Price>(msg, t::Price, "Price", RejectReason::invalid_price, true);
    if (auto* r = std::get_if<Rejection>(&px)) return *r;
    g.price = std::get<qd::Price>(px);
  } else if (msg.isSetField(t::Price)) {
    return reject(RejectReason::invalid_order_type, "Price (44) not allowed for this OrdType");
  }
  if (uses_stop_price(s.type)) {
    auto stop =
        parse_unsigned<qd::Price>(msg, t::StopPx, "StopPx", RejectReason::missing_stop_price, true);
    if (auto* r = std::get_if<Rejection>(&stop)) {
      if (msg.isSetField(t::StopPx)) r->reason = RejectReason::invalid_price;
      return *r;
    }
    g.stop_price = std::get<qd::Price>(stop);
  } else if (msg.isSetField(t::StopPx)) {
    return reject(RejectReason::invalid_order_type, "StopPx (99) not allowed for this OrdType");
  }
  return g;
}

Decoded<MassCancel> decode_mass_cancel(const FIX::Message& msg, const DecodeContext& ctx) {
  MassCancel m;
  if (auto r = check_client_id(msg, t::ClOrdID, "ClOrdID", m.client_id)) return *r;
  std::optional<std::string> type = get_field(msg, t::MassCancelRequestType);
  if (type != "1" && type != "7")
    return reject(RejectReason::unsupported_message,
                  "MassCancelRequestType (530) must be 1 (by Symbol) or 7 (all orders)");
  auto account = resolve_account(msg, ctx);
  if (auto* r = std::get_if<Rejection>(&account)) return *r;
  m.origin = Origin{std::get<AccountId>(account), ctx.session};
  m.reason = CancelReason::mass_cancel;
  if (type == "1") {
    Rejection why;
    const MarketConfig* market = decode_market(msg, ctx, why);
    if (!market) return why;
    m.market = market->id;
    m.scope = MassCancelScope::account_market;
  } else {
    m.scope = MassCancelScope::account;
  }
  return m;
}

}  // namespace qd::fix
