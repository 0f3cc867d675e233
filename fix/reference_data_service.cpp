#include "fix/reference_data_service.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/decimal.hpp"
#include "fix/fix_time.hpp"
#include "fix/report_encoder.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {

namespace {

namespace t = std_tag;

FIX::Message make(const char* msg_type) {
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType(msg_type));
  return m;
}

std::optional<std::string> get(const FIX::Message& m, int tag) {
  if (!m.isSetField(tag)) return std::nullopt;
  return m.getField(tag);
}

/// BusinessMessageReject naming the request's own id in BusinessRejectRefID (379).
FIX::Message reject(const FIX::Message& request, RejectReason reason, const std::string& text,
                    int business_reject_reason, int id_tag) {
  FIX::Message j = encode_business_reject(request, Rejection{reason, text}, business_reject_reason);
  if (std::optional<std::string> id = get(request, id_tag)) j.setField(t::BusinessRejectRefID, *id);
  return j;
}

}  // namespace

int security_trading_status(MarketStatus s) {
  switch (s) {
    case MarketStatus::open:
      return 17;
    case MarketStatus::halted:
      return 2;
    case MarketStatus::closed:
      return 18;
  }
  return 18;
}

std::vector<FIX::Message> encode_security_list(const std::string& req_id,
                                               const std::string& response_id,
                                               const std::vector<SecurityListEntry>& markets,
                                               int result, const std::string& text,
                                               size_t per_message) {
  std::vector<FIX::Message> out;
  per_message = std::max<size_t>(per_message, 1);
  size_t i = 0;
  do {
    FIX::Message m = make("y");
    m.setField(t::SecurityReqID, req_id);
    m.setField(t::SecurityResponseID, response_id);
    m.setField(t::SecurityRequestResult, std::to_string(result));
    m.setField(t::TotNoRelatedSym, std::to_string(markets.size()));
    if (!text.empty()) m.setField(t::Text, text);
    const size_t end = std::min(markets.size(), i + per_message);
    for (; i < end; ++i) {
      const MarketConfig& c = *markets[i].market;
      FIX::Group g(t::NoRelatedSym, t::Symbol);
      g.setField(t::Symbol, c.symbol);
      g.setField(t::SecurityType, "FUT");
      g.setField(t::MinPriceIncrement, to_string(c.tick_size));
      g.setField(t::Currency, "USDC");
      g.setField(t::RoundLot, to_string(c.lot_size));
      g.setField(t::MinTradeVol, to_string(c.min_size.raw > 0 ? c.min_size : c.lot_size));
      if (c.min_notional.raw > 0) g.setField(tag::MinNotional, to_string(c.min_notional));
      if (c.max_order_size.raw > 0) g.setField(tag::MaxOrderQty, to_string(c.max_order_size));
      if (c.max_order_notional.raw > 0)
        g.setField(tag::MaxOrderNotional, to_string(c.max_order_notional));
      g.setField(tag::VenueTradingStatus,
                 std::to_string(security_trading_status(markets[i].status)));
      m.addGroup(g);
    }
    m.setField(t::LastFragment, i >= markets.size() ? "Y" : "N");
    out.push_back(std::move(m));
  } while (i < markets.size());
  return out;
}

FIX::Message encode_security_status(const std::string& req_id, const std::string& symbol,
                                    MarketStatus status, bool unsolicited, TimestampNs now,
                                    int timestamp_digits) {
  FIX::Message m = make("f");
  if (!req_id.empty()) m.setField(t::SecurityStatusReqID, req_id);
  m.setField(t::Symbol, symbol);
  m.setField(t::UnsolicitedIndicator, unsolicited ? "Y" : "N");
  m.setField(t::SecurityTradingStatus, std::to_string(security_trading_status(status)));
  m.setField(t::TransactTime, format_utc_timestamp(now, timestamp_digits));
  m.setField(t::Text, to_string(status));
  return m;
}

ReferenceDataService::ReferenceDataService(const GatewayContext& context)
    : context_(context), response_prefix_("S" + std::to_string(wall_clock_ns() / 1'000'000) + "-") {
  status_.resize(context_.config.markets.size(), MarketStatus::closed);
  for (const MarketConfig& m : context_.config.markets)
    if (m.id < status_.size()) status_[m.id] = m.status;
}

bool ReferenceDataService::handles(std::string_view msg_type) const {
  return msg_type == "x" || msg_type == "e";
}

bool ReferenceDataService::permitted(SessionRole role, std::string_view) const {
  return role == SessionRole::order_entry || role == SessionRole::market_data;
}

void ReferenceDataService::on_request(const FIX::Message& msg, SessionHandle& session) {
  const std::string type = msg.getHeader().getField(t::MsgType);
  if (type == "x") {
    on_security_list_request(msg, session);
  } else {
    on_security_status_request(msg, session);
  }
}

std::string ReferenceDataService::next_response_id() {
  return response_prefix_ + std::to_string(++response_counter_);
}

void ReferenceDataService::on_security_list_request(const FIX::Message& msg,
                                                    SessionHandle& session) {
  const std::string req_id = get(msg, t::SecurityReqID).value_or("");
  const std::string type = get(msg, t::SecurityListRequestType).value_or("");
  const std::string sub = get(msg, t::SubscriptionRequestType).value_or("0");
  std::lock_guard lock(mu_);
  const std::string response_id = next_response_id();
  auto answer = [&](int result, const std::string& text, std::vector<SecurityListEntry> list) {
    for (FIX::Message& m : encode_security_list(req_id, response_id, list, result, text))
      session.outbox.push(std::move(m));
  };
  if (sub != "0") {
    answer(1,
           "SubscriptionRequestType (263) must be 0 on SecurityListRequest; follow status "
           "changes with SecurityStatusRequest (e)",
           {});
    return;
  }
  std::vector<SecurityListEntry> list;
  if (type == "4") {
    for (const MarketConfig& m : context_.config.markets) list.push_back({&m, status_[m.id]});
  } else {
    const std::optional<std::string> symbol = get(msg, t::Symbol);
    if (!symbol) {
      answer(1, "Symbol (55) is required with SecurityListRequestType (559) = 0", {});
      return;
    }
    const MarketConfig* m = context_.directory.market(*symbol);
    if (m == nullptr) {
      answer(2, "unknown symbol " + *symbol, {});
      return;
    }
    list.push_back({m, status_[m->id]});
  }
  answer(0, "", list);
}

void ReferenceDataService::on_security_status_request(const FIX::Message& msg,
                                                      SessionHandle& session) {
  const std::string req_id = get(msg, t::SecurityStatusReqID).value_or("");
  const std::string symbol = get(msg, t::Symbol).value_or("");
  const std::string sub = get(msg, t::SubscriptionRequestType).value_or("0");
  const int digits = int(session.config.quickfix.timestamp_precision);
  std::lock_guard lock(mu_);
  const auto key = std::make_pair(session.number, req_id);
  if (sub == "2") {
    // Ending a subscription has no answer unless the id is unknown.
    if (subscriptions_.erase(key) == 0)
      session.outbox.push(reject(msg, RejectReason::unknown_order,
                                 "no SecurityStatus subscription " + req_id, 1,
                                 t::SecurityStatusReqID));
    return;
  }
  const MarketConfig* m = context_.directory.market(symbol);
  if (m == nullptr) {
    session.outbox.push(reject(msg, RejectReason::unknown_market, "unknown symbol " + symbol, 2,
                               t::SecurityStatusReqID));
    return;
  }
  if (sub == "1") {
    if (subscriptions_.count(key)) {
      session.outbox.push(reject(msg, RejectReason::invalid_field,
                                 "SecurityStatusReqID " + req_id + " is already subscribed", 0,
                                 t::SecurityStatusReqID));
      return;
    }
    subscriptions_[key] = m->id;
  }
  session.outbox.push(
      encode_security_status(req_id, m->symbol, status_[m->id], false, wall_clock_ns(), digits));
}

void ReferenceDataService::on_events(std::span<const Event> events, bool live) {
  std::lock_guard lock(mu_);
  for (const Event& e : events) {
    const auto* changed = std::get_if<MarketStatusChanged>(&e.body);
    if (changed == nullptr || changed->market >= status_.size()) continue;
    status_[changed->market] = changed->status;
    if (!live) continue;
    const MarketConfig* m = context_.directory.market(changed->market);
    if (m == nullptr) continue;
    for (const auto& [key, market] : subscriptions_) {
      if (market != changed->market) continue;
      const SessionId number = key.first;
      if (number == 0 || number > context_.sessions.size()) continue;
      SessionHandle& s = *context_.sessions[number - 1];
      s.outbox.push(encode_security_status(key.second, m->symbol, changed->status, true, e.ts,
                                           int(s.config.quickfix.timestamp_precision)));
    }
  }
}

void ReferenceDataService::on_logout(SessionHandle& session) {
  std::lock_guard lock(mu_);
  std::erase_if(subscriptions_, [&](const auto& kv) { return kv.first.first == session.number; });
}

std::optional<MarketStatus> ReferenceDataService::status(MarketId market) const {
  std::lock_guard lock(mu_);
  if (market >= status_.size()) return std::nullopt;
  return status_[market];
}

size_t ReferenceDataService::subscriptions() const {
  std::lock_guard lock(mu_);
  return subscriptions_.size();
}

void ReferenceDataService::save_view(ByteWriter& out) const {
  std::lock_guard lock(mu_);
  out(uint64_t(status_.size()));
  for (MarketStatus s : status_) out(s);
}

void ReferenceDataService::restore_view(ByteReader& in) {
  uint64_t n = 0;
  in(n);
  std::lock_guard lock(mu_);
  if (n != status_.size()) {
    throw std::runtime_error("market status of " + std::to_string(n) + " markets, configured " +
                             std::to_string(status_.size()));
  }
  std::vector<MarketStatus> status(n);
  for (MarketStatus& s : status) in(s);
  status_ = std::move(status);
}

}  // namespace qd::fix
