#pragma once
// A small venue for the FIX tests: two markets, three accounts, five sessions. Passwords are
// hashed at run time with libsodium's cheapest argon2id parameters so tests stay fast.

#include <sodium.h>
#include <stdlib.h>

#include <array>
#include <stdexcept>
#include <string>

#include "app/config/venue_config.hpp"

namespace qd::fix::test {

inline std::string hash_password(const std::string& password) {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_MIN,
                        crypto_pwhash_MEMLIMIT_MIN) != 0)
    throw std::runtime_error("crypto_pwhash_str");
  return out;
}

struct Ed25519Keys {
  std::array<uint8_t, 32> public_key{};
  std::array<uint8_t, 64> secret_key{};
};

inline Ed25519Keys make_keys() {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init");
  Ed25519Keys k;
  crypto_sign_keypair(k.public_key.data(), k.secret_key.data());
  return k;
}

inline std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
  return tmpl;
}

inline MarketConfig market(MarketId id, const std::string& symbol, int64_t tick, int64_t lot,
                           int64_t mark) {
  MarketConfig m;
  m.id = id;
  m.symbol = symbol;
  m.tick_size = Price(tick);
  m.lot_size = Qty(lot);
  m.min_size = Qty(lot);
  m.min_notional = Quote(1'000'000);            // 1 USDC
  m.max_order_size = Qty(100 * QTY_PRECISION);  // 100 base
  m.max_order_notional = Quote(10'000'000 * QUOTE_PRECISION);
  m.price_band_bps = 500;
  m.maker_fee_ppm = -200;  // -2 bps rebate
  m.taker_fee_ppm = 1000;  // 10 bps
  m.oracle.initial_price = Price(mark);
  return m;
}

inline AccountConfig account(AccountId number, const std::string& id) {
  AccountConfig a;
  a.number = number;
  a.id = id;
  a.collateral = Quote(1'000'000 * QUOTE_PRECISION);
  a.stp_mode = StpMode::cancel_resting;
  return a;
}

inline SessionConfig session(const std::string& sender, const std::string& password,
                             std::vector<std::string> accounts) {
  SessionConfig s;
  s.sender_comp_id = sender;
  s.target_comp_id = "QUANTDESK";
  s.role = SessionRole::order_entry;
  s.listener = "plain";
  s.accounts = std::move(accounts);
  s.auth.username = sender;
  s.auth.password_hash = hash_password(password);
  s.throttle = ThrottleConfig{};
  s.throttle->messages_per_second = 1000;
  s.throttle->burst = 2000;
  s.cancel_on_disconnect = true;
  s.quickfix.heart_bt_int = 30;
  s.quickfix.timestamp_precision = 6;
  return s;
}

/// The test venue. BTC-PERP: tick 0.1, lot 0.0001, mark 50000. ETH-PERP: tick 0.01, lot 0.001,
/// mark 3000. Accounts DESK-A (1), DESK-B (2), DESK-C (3).
/// Sessions (numbers): DESK_A (1, DESK-A), DESK_B (2, DESK-B), COMPLIANCE (3, drop copy),
/// DESK_SIG (4, DESK-C, password + ed25519 `keys`), DESK_T (5, DESK-A, throttle 5/s burst 5,
/// Logout after 8 breaches in 10 s), DESK_M (6, DESK-A and DESK-B).
inline VenueConfig make_config(uint16_t port, const std::string& data_dir,
                               const Ed25519Keys& keys) {
  VenueConfig c;
  c.venue.name = "test venue";
  c.venue.data_dir = data_dir;
  ListenerConfig l;
  l.name = "plain";
  l.bind = "0.0.0.0";
  l.port = port;
  c.listeners.push_back(l);
  c.markets.push_back(market(0, "BTC-PERP", 100'000, 100'000, 50'000 * PRICE_PRECISION));
  c.markets.push_back(market(1, "ETH-PERP", 10'000, 1'000'000, 3'000 * PRICE_PRECISION));
  c.accounts.push_back(account(1, "DESK-A"));
  c.accounts.push_back(account(2, "DESK-B"));
  c.accounts.push_back(account(3, "DESK-C"));
  c.sessions.push_back(session("DESK_A", "desk-a-pass", {"DESK-A"}));
  c.sessions.push_back(session("DESK_B", "desk-b-pass", {"DESK-B"}));
  SessionConfig dc = session("COMPLIANCE", "compliance-pass", {});
  dc.role = SessionRole::drop_copy;
  dc.all_accounts = true;
  dc.throttle.reset();
  dc.cancel_on_disconnect = false;
  c.sessions.push_back(dc);
  SessionConfig sig = session("DESK_SIG", "desk-sig-pass", {"DESK-C"});
  sig.auth.ed25519_public_key = keys.public_key;
  c.sessions.push_back(sig);
  SessionConfig thr = session("DESK_T", "desk-t-pass", {"DESK-A"});
  thr.throttle->messages_per_second = 5;
  thr.throttle->burst = 5;
  thr.throttle->logout_after_breaches = 8;
  thr.throttle->breach_window_s = 10;
  thr.cancel_on_disconnect = false;
  c.sessions.push_back(thr);
  c.sessions.push_back(session("DESK_M", "desk-m-pass", {"DESK-A", "DESK-B"}));
  return c;
}

}  // namespace qd::fix::test

#include "core/event.hpp"

namespace qd::fix::test {

// Event builders: member-wise, so new event fields never break the tests.
inline OrderFilled fill(const OrderState& s, ExecId trade, Price px, Qty qty, Liquidity liq) {
  OrderFilled f;
  f.order = s;
  f.trade_id = trade;
  f.last_price = px;
  f.last_qty = qty;
  f.liquidity = liq;
  return f;
}
inline OrderCanceled canceled(const OrderState& s, CancelReason why, const char* request = "") {
  OrderCanceled c;
  c.order = s;
  c.reason = why;
  c.request_client_id = ClientOrderId(request);
  return c;
}
inline OrderRejected rejected(const OrderState& s, RejectReason why) {
  OrderRejected r;
  r.order = s;
  r.reason = why;
  return r;
}
inline OrderReplaced replaced(const OrderState& s, bool kept) {
  OrderReplaced r;
  r.order = s;
  r.kept_priority = kept;
  return r;
}
inline OrderRestated restated(const OrderState& s, Qty by, CancelReason why) {
  OrderRestated r;
  r.order = s;
  r.reduced_by = by;
  r.reason = why;
  return r;
}
inline MarkPriceSet mark(MarketId m, Price p) {
  MarkPriceSet e;
  e.market = m;
  e.mark = p;
  return e;
}

}  // namespace qd::fix::test
