#pragma once
// Helpers for the reference data and account report tests: request builders, answer
// predicates and exact decimal readers, on top of the FIX gateway's venue harness.

#include <gtest/gtest.h>

#include "core/decimal.hpp"
#include "tests/integration/fix/fix_harness.hpp"

namespace qd::fix::test {

inline constexpr auto kWait = 10s;

// --- requests

inline FIX::Message security_list_request(const std::string& id, const std::string& type,
                                          const std::string& symbol = "") {
  FIX::Message m;
  m.getHeader().setField(35, "x");
  m.setField(320, id);
  m.setField(559, type);
  if (!symbol.empty()) m.setField(55, symbol);
  return m;
}

inline FIX::Message status_request(const std::string& id, const std::string& symbol, char sub) {
  FIX::Message m;
  m.getHeader().setField(35, "e");
  m.setField(324, id);
  m.setField(55, symbol);
  m.setField(263, std::string(1, sub));
  return m;
}

inline FIX::Message positions_request(const std::string& id, char sub,
                                      const std::string& account = "",
                                      const std::string& symbol = "") {
  FIX::Message m;
  m.getHeader().setField(35, "AN");
  m.setField(710, id);
  m.setField(724, "0");
  m.setField(263, std::string(1, sub));
  if (!account.empty()) m.setField(1, account);
  if (!symbol.empty()) m.setField(55, symbol);
  m.setField(60, now_text());
  return m;
}

inline FIX::Message collateral_inquiry(const std::string& id, char sub,
                                       const std::string& account = "") {
  FIX::Message m;
  m.getHeader().setField(35, "BB");
  m.setField(909, id);
  m.setField(263, std::string(1, sub));
  if (!account.empty()) m.setField(1, account);
  return m;
}

// --- reading answers

inline std::function<bool(const FIX::Message&)> answer(const std::string& type, int id_tag,
                                                       const std::string& id) {
  return [=](const FIX::Message& m) { return field(m, 35) == type && field(m, id_tag) == id; };
}

inline FIX::Message expect(Initiator& i, const std::function<bool(const FIX::Message&)>& pred,
                           const char* what) {
  std::optional<FIX::Message> m = i.wait_for(pred, kWait);
  if (!m) throw std::runtime_error(std::string("no ") + what);
  return *m;
}

inline std::string group_field(const FIX::Message& m, int group, int delim, int n, int tag) {
  FIX::Group g(group, delim);
  m.getGroup(unsigned(n), g);
  return g.isSetField(tag) ? g.getField(tag) : "";
}

inline Quote quote(const FIX::Message& m, int tag) {
  auto p = parse_fixed<Quote>(field(m, tag), true);
  if (!p.ok()) throw std::runtime_error("tag " + std::to_string(tag) + " is not a USDC amount");
  return p.value;
}
inline Price price(const FIX::Message& m, int tag) {
  auto p = parse_fixed<Price>(field(m, tag), false);
  if (!p.ok()) throw std::runtime_error("tag " + std::to_string(tag) + " is not a price");
  return p.value;
}

/// A market-data session (MD_1) next to the test venue's sessions.
inline void add_market_data_session(VenueConfig& c) {
  SessionConfig md = session("MD_1", "md-1-pass", {});
  md.role = SessionRole::market_data;
  md.cancel_on_disconnect = false;
  c.sessions.push_back(md);
}

/// DESK_A rests a sell of `qty` BTC at 50000 and DESK_B takes it with an IOC buy.
inline void trade(Initiator& a, Initiator& b, const std::string& tag, const std::string& qty) {
  FIX::Message sell = limit("s" + tag, '2', qty, "50000");
  a.send(sell);
  expect(a, er("s" + tag, '0'), "sell ack");
  FIX::Message buy = limit("b" + tag, '1', qty, "50000", '3');
  b.send(buy);
  expect(b, er("b" + tag, 'F'), "buy fill");
}

}  // namespace qd::fix::test
