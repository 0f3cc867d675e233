// Inbound application messages: throttle, role, field policy, decode, ClOrdID uniqueness and
// possible-duplicate handling, submission. Runs on the session's QuickFIX connection thread.
#include <spdlog/spdlog.h>

#include <chrono>

#include "fix/fix_time.hpp"
#include "fix/gateway.hpp"
#include "fix/report_encoder.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {

namespace {

namespace t = std_tag;

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool flag_set(const FIX::FieldMap& m, int tag) {
  return m.isSetField(tag) && m.getField(tag) == "Y";
}

bool is_order_entry_type(const std::string& type) {
  return type == "D" || type == "F" || type == "G" || type == "H" || type == "q" || type == "AF";
}

}  // namespace

void Gateway::reject_request(const FIX::Message& msg, SessionRuntime& s, const std::string& type,
                             const Rejection& why, const OrderView::Order* order,
                             std::optional<std::pair<uint32_t, int64_t>> throttle) {
  AuditScope::rejected(why.text.empty() ? std::string(to_string(why.reason)) : why.text);
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.rejected_before_engine;
  }
  EncodeContext ctx = encode_context(s);
  TimestampNs now = wall_clock_ns();
  FIX::Message out;
  if (type == "D")
    out = encode_order_reject(msg, why, ctx, next_exec_id(), now);
  else if (type == "F" || type == "G")
    out = encode_cancel_reject(msg, why, order, ctx, now);
  else if (type == "q")
    out = encode_mass_cancel_reject(msg, why, ctx, now);
  else
    out = encode_business_reject(msg, why);
  if (throttle) add_throttle_fields(out, throttle->first, throttle->second);
  s.outbox.push(std::move(out));
}

bool Gateway::check_throttle(const FIX::Message& msg, SessionRuntime& s, const std::string& type) {
  Throttle::Decision d;
  ThrottleConfig c;  // the limits in force (a reload may have replaced the startup ones)
  {
    std::lock_guard lock(s.throttle_mu);
    if (!s.throttle) return true;
    d = s.throttle->on_message(steady_ns());
    c = s.throttle->config();
  }
  if (d.allowed) return true;
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.throttled;
  }
  int64_t refill_ms = (d.refill_ns + 999'999) / 1'000'000;
  std::string text = "throttle limit exceeded: " + std::to_string(d.remaining) + " of " +
                     std::to_string(c.burst) + " messages left, next allowed in " +
                     std::to_string(refill_ms) + " ms (limit " +
                     std::to_string(c.messages_per_second) + "/s, burst " +
                     std::to_string(c.burst) + "); breach " + std::to_string(d.breaches_in_window);
  if (c.logout_after_breaches) text += " of " + std::to_string(c.logout_after_breaches);
  text += " in " + std::to_string(c.breach_window_s) + " s";
  reject_request(msg, s, type, Rejection{RejectReason::throttled, text}, nullptr,
                 std::make_pair(d.remaining, refill_ms));
  if (d.logout && !s.throttle_logout.exchange(true)) {
    spdlog::warn("FIX {}: logging out after {} throttle breaches", s.id.toString(),
                 d.breaches_in_window);
    // After the rejects already queued, so the Logout never overtakes them.
    std::string reason = "throttle: " + std::to_string(d.breaches_in_window) +
                         " messages over the limit within " + std::to_string(c.breach_window_s) +
                         " s";
    FIX::SessionID id = s.id;
    s.outbox.push([id, reason] {
      if (FIX::Session* session = FIX::Session::lookupSession(id)) session->logout(reason);
    });
  }
  return false;
}

std::optional<Rejection> Gateway::check_unknown_fields(const FIX::Message& msg,
                                                       const std::string& type,
                                                       const SessionRuntime& s) const {
  const QuickFixSettings& q = s.config.quickfix;
  for (auto it = msg.begin(); it != msg.end(); ++it) {
    int tag = it->getTag();
    if (tag < FIX::FIELD::UserMin) {
      if (!q.allow_unknown_msg_fields && !dictionary_.isMsgField(type, tag))
        return Rejection{RejectReason::invalid_field,
                         "tag " + std::to_string(tag) + " is not supported on MsgType " + type};
    } else if (q.validate_user_defined_fields && !dictionary_.isField(tag)) {
      return Rejection{RejectReason::invalid_field,
                       "user-defined tag " + std::to_string(tag) + " is not supported"};
    }
  }
  return std::nullopt;
}

void Gateway::handle_app(const FIX::Message& msg, SessionRuntime& s) {
  const std::string type = msg.getHeader().getField(t::MsgType);
  if (!check_throttle(msg, s, type)) return;
  if (s.guard.last_incoming_size() > options_.max_message_bytes) {
    reject_request(
        msg, s, type,
        Rejection{RejectReason::invalid_field,
                  "message larger than " + std::to_string(options_.max_message_bytes) + " bytes"});
    return;
  }
  if (GatewayService* service = service_for(type)) {
    if (!service->permitted(s.config.role, type)) {
      reject_for_role(msg, s, type);
      return;
    }
    if (std::optional<Rejection> why = check_unknown_fields(msg, type, s)) {
      reject_request(msg, s, "", *why);
      return;
    }
    service->on_request(msg, s.handle);
    return;
  }
  if (!is_order_entry_type(type)) {
    reject_request(msg, s, "",
                   Rejection{RejectReason::unsupported_message,
                             "MsgType " + type + " is not supported by the venue"});
    return;
  }
  if (s.config.role != SessionRole::order_entry) {
    reject_for_role(msg, s, type);
    return;
  }
  if (std::optional<Rejection> why = check_unknown_fields(msg, type, s)) {
    reject_request(msg, s, type, *why);
    return;
  }
  const FIX::Header& h = msg.getHeader();
  bool poss_dup = flag_set(h, t::PossDupFlag) || flag_set(h, t::PossResend);
  if (type == "D")
    on_new_order(msg, s, poss_dup);
  else if (type == "F")
    on_cancel_or_replace(msg, s, false, poss_dup);
  else if (type == "G")
    on_cancel_or_replace(msg, s, true, poss_dup);
  else if (type == "H")
    on_status_request(msg, s);
  else if (type == "q")
    on_mass_cancel(msg, s, poss_dup);
  else
    on_mass_status(msg, s);
}

void Gateway::reject_for_role(const FIX::Message& msg, SessionRuntime& s, const std::string& type) {
  FIX::Message out =
      encode_business_reject(msg,
                             Rejection{RejectReason::role_not_permitted,
                                       std::string("MsgType ") + type + " not permitted on a " +
                                           to_string(s.config.role) + " session"},
                             6);
  AuditScope::rejected("MsgType " + type + " not permitted on a " + to_string(s.config.role) +
                       " session");
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.rejected_before_engine;
  }
  s.outbox.push(std::move(out));
}

void Gateway::on_new_order(const FIX::Message& msg, SessionRuntime& s, bool poss_dup) {
  DecodeContext ctx{directory_, s.number, s.accounts};
  Decoded<NewOrder> d = decode_new_order(msg, ctx);
  if (auto* why = std::get_if<Rejection>(&d)) {
    reject_request(msg, s, "D", *why);
    return;
  }
  NewOrder& order = std::get<NewOrder>(d);
  std::string id(order.client_id.view());
  {
    std::lock_guard lock(view_mu_);
    OrderView::Reservation r = view_.reserve(s.number, id, utc_day(wall_clock_ns()));
    if (r != OrderView::Reservation::ok) {
      if (poss_dup) {
        // A resend of an order already received: never executed twice. The desk gets the
        // order's current state when known; an order still in flight gets its own report.
        if (const OrderView::Order* o = view_.find(s.number, id))
          s.outbox.push(encode_status(*o, encode_context(s), next_exec_id(), std::nullopt,
                                      std::nullopt, wall_clock_ns()));
        spdlog::info("FIX {}: possible duplicate of ClOrdID {} ignored", s.id.toString(), id);
        AuditScope::ignored("possible duplicate of ClOrdID " + id);
        return;
      }
      reject_request(msg, s, "D",
                     Rejection{RejectReason::duplicate_client_order_id,
                               "duplicate ClOrdID (11) '" + id + "' for this session today"});
      return;
    }
  }
  if (!submit(std::move(order))) {
    {
      std::lock_guard lock(view_mu_);
      view_.release(s.number, id);
    }
    reject_request(msg, s, "D", Rejection{RejectReason::system_busy, "system busy, retry"});
  }
}

void Gateway::on_cancel_or_replace(const FIX::Message& msg, SessionRuntime& s, bool replace,
                                   bool poss_dup) {
  const char* type = replace ? "G" : "F";
  DecodeContext ctx{directory_, s.number, s.accounts};
  CommandBody command;
  std::string id;
  {
    std::lock_guard lock(view_mu_);
    std::optional<std::string> orig = get_field(msg, t::OrigClOrdID);
    const OrderView::Order* known = nullptr;
    if (std::optional<std::string> oid = get_field(msg, t::OrderID)) {
      OrderId n = 0;
      for (char c : *oid) n = (c >= '0' && c <= '9') ? n * 10 + OrderId(c - '0') : 0;
      known = view_.find(n);
    } else if (orig) {
      known = view_.find(s.number, *orig);
    }
    // Another account's order stays unknown: its id and status are never echoed.
    if (known && std::find(s.accounts.begin(), s.accounts.end(), known->state.origin.account) ==
                     s.accounts.end())
      known = nullptr;
    if (replace) {
      Decoded<ReplaceOrder> d = decode_replace(msg, ctx, view_);
      if (auto* why = std::get_if<Rejection>(&d)) {
        reject_request(msg, s, type, *why, known);
        return;
      }
      id = std::string(std::get<ReplaceOrder>(d).client_id.view());
      command = std::get<ReplaceOrder>(d);
    } else {
      Decoded<CancelOrder> d = decode_cancel(msg, ctx, view_);
      if (auto* why = std::get_if<Rejection>(&d)) {
        reject_request(msg, s, type, *why, known);
        return;
      }
      id = std::string(std::get<CancelOrder>(d).client_id.view());
      command = std::get<CancelOrder>(d);
    }
    OrderView::Reservation r = view_.reserve(s.number, id, utc_day(wall_clock_ns()));
    if (r != OrderView::Reservation::ok) {
      if (poss_dup) {
        spdlog::info("FIX {}: possible duplicate of ClOrdID {} ignored", s.id.toString(), id);
        AuditScope::ignored("possible duplicate of ClOrdID " + id);
        return;
      }
      reject_request(msg, s, type,
                     Rejection{RejectReason::duplicate_client_order_id,
                               "duplicate ClOrdID (11) '" + id + "' for this session today"},
                     known);
      return;
    }
  }
  if (!submit(std::move(command))) {
    const OrderView::Order* known = nullptr;
    std::lock_guard lock(view_mu_);
    view_.release(s.number, id);
    if (std::optional<std::string> orig = get_field(msg, t::OrigClOrdID))
      known = view_.find(s.number, *orig);
    reject_request(msg, s, type, Rejection{RejectReason::system_busy, "system busy, retry"}, known);
  }
}

void Gateway::on_status_request(const FIX::Message& msg, SessionRuntime& s) {
  std::lock_guard lock(view_mu_);
  const OrderView::Order* o = nullptr;
  if (std::optional<std::string> oid = get_field(msg, t::OrderID)) {
    OrderId n = 0;
    for (char c : *oid) n = (c >= '0' && c <= '9') ? n * 10 + OrderId(c - '0') : 0;
    o = view_.find(n);
  } else if (std::optional<std::string> cl = get_field(msg, t::ClOrdID)) {
    o = view_.find(s.number, *cl);
  }
  if (o &&
      std::find(s.accounts.begin(), s.accounts.end(), o->state.origin.account) == s.accounts.end())
    o = nullptr;  // another account's order is unknown to this session
  EncodeContext ctx = encode_context(s);
  if (o) {
    s.outbox.push(encode_status(*o, ctx, next_exec_id(), get_field(msg, t::OrdStatusReqID),
                                std::nullopt, wall_clock_ns()));
  } else {
    s.outbox.push(encode_unknown_status(msg, ctx, next_exec_id(), "unknown order", std::nullopt,
                                        wall_clock_ns()));
  }
}

void Gateway::on_mass_cancel(const FIX::Message& msg, SessionRuntime& s, bool poss_dup) {
  DecodeContext ctx{directory_, s.number, s.accounts};
  Decoded<MassCancel> d = decode_mass_cancel(msg, ctx);
  if (auto* why = std::get_if<Rejection>(&d)) {
    reject_request(msg, s, "q", *why);
    return;
  }
  std::string id(std::get<MassCancel>(d).client_id.view());
  {
    std::lock_guard lock(view_mu_);
    if (view_.reserve(s.number, id, utc_day(wall_clock_ns())) != OrderView::Reservation::ok) {
      if (poss_dup) {
        AuditScope::ignored("possible duplicate of ClOrdID " + id);
        return;
      }
      reject_request(msg, s, "q",
                     Rejection{RejectReason::duplicate_client_order_id,
                               "duplicate ClOrdID (11) '" + id + "' for this session today"});
      return;
    }
  }
  if (!submit(std::get<MassCancel>(d))) {
    {
      std::lock_guard lock(view_mu_);
      view_.release(s.number, id);
    }
    reject_request(msg, s, "q", Rejection{RejectReason::system_busy, "system busy, retry"});
  }
}

void Gateway::on_mass_status(const FIX::Message& msg, SessionRuntime& s) {
  DecodeContext ctx{directory_, s.number, s.accounts};
  std::string req_id = get_field(msg, t::MassStatusReqID).value_or("");
  std::optional<std::string> type = get_field(msg, t::MassStatusReqType);
  if (type != "1" && type != "7") {
    reject_request(msg, s, "AF",
                   Rejection{RejectReason::unsupported_message,
                             "MassStatusReqType (585) must be 1 (by Symbol) or 7 (all orders)"});
    return;
  }
  std::optional<AccountId> account;
  if (msg.isSetField(t::Account)) {
    Decoded<AccountId> a = resolve_account(msg, ctx);
    if (auto* why = std::get_if<Rejection>(&a)) {
      reject_request(msg, s, "AF", *why);
      return;
    }
    account = std::get<AccountId>(a);
  }
  std::optional<MarketId> market;
  if (type == "1") {
    std::optional<std::string> sym = get_field(msg, t::Symbol);
    const MarketConfig* m = sym ? directory_.market(*sym) : nullptr;
    if (!m) {
      reject_request(msg, s, "AF",
                     Rejection{RejectReason::unknown_market, "unknown or missing Symbol (55)"});
      return;
    }
    market = m->id;
  }
  std::lock_guard lock(view_mu_);
  std::vector<const OrderView::Order*> orders = view_.open_orders(s.number, account, market);
  EncodeContext ectx = encode_context(s);
  TimestampNs now = wall_clock_ns();
  if (orders.empty()) {
    s.outbox.push(encode_unknown_status(msg, ectx, next_exec_id(), "no open orders",
                                        MassStatusPart{req_id, 0, true}, now));
    return;
  }
  for (size_t i = 0; i < orders.size(); ++i) {
    MassStatusPart part{req_id, int(orders.size()), i + 1 == orders.size()};
    s.outbox.push(encode_status(*orders[i], ectx, next_exec_id(), std::nullopt, part, now));
  }
}

}  // namespace qd::fix
