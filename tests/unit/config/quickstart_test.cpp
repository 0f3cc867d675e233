// The quickstart and the full example load, and every value converts exactly.

#include <gtest/gtest.h>
#include <sodium.h>

#include <sstream>

#include "app/config/config_loader.hpp"
#include "config_test_files.hpp"

namespace qd {
namespace {

constexpr int64_t kUsdc = QUOTE_PRECISION;  // 1 USDC in 1e-6 units
constexpr int64_t kBase = QTY_PRECISION;    // 1 whole base unit in 1e-9 units
constexpr int64_t kPx = PRICE_PRECISION;    // 1 USDC of price in 1e-6 units

const VenueConfig& quickstart() {
  static const ConfigResult r = load_config(test::repo_file("config/quickstart.yaml"));
  EXPECT_TRUE(r.has_value()) << (r.errors().empty() ? "" : r.errors().front().to_string());
  return r.value();
}

TEST(Quickstart, LoadsWithoutErrors) {
  ConfigResult r = load_config(test::repo_file("config/quickstart.yaml"));
  for (const ConfigError& e : r.errors()) ADD_FAILURE() << e.to_string();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->markets.size(), 3u);
  EXPECT_EQ(r->accounts.size(), 2u);
  EXPECT_EQ(r->sessions.size(), 3u);
}

TEST(Quickstart, VenueListenerEngineJournal) {
  const VenueConfig& c = quickstart();
  EXPECT_EQ(c.venue.name, "QuantDesk Quickstart");
  EXPECT_EQ(c.venue.data_dir, "data/quickstart");
  ASSERT_EQ(c.listeners.size(), 1u);
  EXPECT_EQ(c.listeners[0].name, "plain");
  EXPECT_EQ(c.listeners[0].bind, "127.0.0.1");
  EXPECT_EQ(c.listeners[0].port, 9876);
  EXPECT_FALSE(c.listeners[0].tls.has_value());
  EXPECT_EQ(c.engine.queue_capacity, 65536u);
  EXPECT_EQ(c.engine.clock_tick_ms, 100u);
  EXPECT_EQ(c.journal.path, "data/quickstart/journal.db");
  EXPECT_EQ(c.journal.durability, Durability::sync);
  EXPECT_EQ(c.journal.batch_max_commands, 256u);
  EXPECT_EQ(c.journal.batch_max_delay_us, 500u);
}

TEST(Quickstart, BtcMarketExact) {
  const MarketConfig& m = quickstart().markets.at(0);
  EXPECT_EQ(m.id, 0u);
  EXPECT_EQ(m.symbol, "BTC-PERP");
  EXPECT_EQ(m.tick_size, Price(kPx / 10));     // 0.1
  EXPECT_EQ(m.lot_size, Qty(kBase / 10'000));  // 0.0001 BTC
  EXPECT_EQ(m.min_size, Qty(kBase / 10'000));
  EXPECT_EQ(m.min_notional, Quote(1 * kUsdc));
  EXPECT_EQ(m.max_order_size, Qty(100 * kBase));
  EXPECT_EQ(m.max_order_notional, Quote(10'000'000 * kUsdc));
  EXPECT_EQ(m.price_band_bps, 500);          // 5%
  EXPECT_EQ(m.initial_margin_bps, 1000);     // 10%
  EXPECT_EQ(m.maintenance_margin_bps, 500);  // 5%
  EXPECT_EQ(m.imf_factor_ppm, 1000);         // 0.001
  EXPECT_EQ(m.max_position, Qty(500 * kBase));
  EXPECT_EQ(m.open_interest_cap, Qty(5000 * kBase));
  EXPECT_EQ(m.maker_fee_ppm, -200);  // -2 bps rebate
  EXPECT_EQ(m.taker_fee_ppm, 1000);  // 10 bps
  EXPECT_EQ(m.funding_interval_s, 3600u);
  EXPECT_EQ(m.oracle.source, OracleSource::admin);
  EXPECT_EQ(m.oracle.initial_price, Price(50'000 * kPx));
  EXPECT_EQ(m.oracle.max_staleness_s, 60u);
  EXPECT_EQ(m.oracle.fill_staleness_s, 5u);  // default
  EXPECT_EQ(m.status, MarketStatus::open);
  EXPECT_EQ(m.day_end_offset_ns, 0);
}

TEST(Quickstart, EthAndSolMarketsExact) {
  const MarketConfig& e = quickstart().markets.at(1);
  EXPECT_EQ(e.id, 1u);
  EXPECT_EQ(e.symbol, "ETH-PERP");
  EXPECT_EQ(e.tick_size, Price(kPx / 100));
  EXPECT_EQ(e.lot_size, Qty(kBase / 1000));
  EXPECT_EQ(e.max_order_size, Qty(2000 * kBase));
  EXPECT_EQ(e.max_position, Qty(10'000 * kBase));
  EXPECT_EQ(e.open_interest_cap, Qty(100'000 * kBase));
  EXPECT_EQ(e.oracle.initial_price, Price(3000 * kPx));
  const MarketConfig& s = quickstart().markets.at(2);
  EXPECT_EQ(s.id, 2u);
  EXPECT_EQ(s.symbol, "SOL-PERP");
  EXPECT_EQ(s.tick_size, Price(kPx / 1000));
  EXPECT_EQ(s.lot_size, Qty(kBase / 100));
  EXPECT_EQ(s.max_order_notional, Quote(5'000'000 * kUsdc));
  EXPECT_EQ(s.initial_margin_bps, 2000);
  EXPECT_EQ(s.maintenance_margin_bps, 1000);
  EXPECT_EQ(s.imf_factor_ppm, 2000);
  EXPECT_EQ(s.maker_fee_ppm, 0);
  EXPECT_EQ(s.oracle.initial_price, Price(150 * kPx));
}

TEST(Quickstart, MarketSpecConversion) {
  const MarketConfig& m = quickstart().markets.at(2);
  MarketSpec spec = to_market_spec(m);
  EXPECT_EQ(spec.id, 2u);
  EXPECT_EQ(spec.symbol, "SOL-PERP");
  EXPECT_EQ(spec.tick_size, m.tick_size);
  EXPECT_EQ(spec.lot_size, m.lot_size);
  EXPECT_EQ(spec.min_size, Qty(kBase / 100));
  EXPECT_EQ(spec.min_notional, Quote(kUsdc));
  EXPECT_EQ(spec.max_order_size, Qty(50'000 * kBase));
  EXPECT_EQ(spec.max_order_notional, Quote(5'000'000 * kUsdc));
  EXPECT_EQ(spec.price_band_bps, 500);
  EXPECT_EQ(spec.status, MarketStatus::open);
  EXPECT_EQ(spec.day_end_offset_ns, 0);
}

TEST(Quickstart, AccountsExact) {
  const VenueConfig& c = quickstart();
  const AccountConfig& a = c.accounts.at(0);
  EXPECT_EQ(a.number, 1u);
  EXPECT_EQ(a.id, "DESK-A");
  EXPECT_EQ(a.collateral, Quote(1'000'000 * kUsdc));
  EXPECT_EQ(a.stp_mode, StpMode::cancel_resting);
  EXPECT_EQ(a.stp_group, 0u);
  EXPECT_EQ(a.max_open_orders, 1000u);
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(c.accounts.at(1).number, 2u);
  EXPECT_EQ(c.accounts.at(1).id, "DESK-B");
}

TEST(Quickstart, SessionsExact) {
  const VenueConfig& c = quickstart();
  const SessionConfig& a = c.sessions.at(0);
  EXPECT_EQ(a.sender_comp_id, "DESK_A");
  EXPECT_EQ(a.target_comp_id, "QUANTDESK");
  EXPECT_EQ(a.role, SessionRole::order_entry);
  EXPECT_EQ(a.listener, "plain");  // defaulted to the first listener
  EXPECT_EQ(a.accounts, std::vector<std::string>{"DESK-A"});
  EXPECT_FALSE(a.all_accounts);
  EXPECT_EQ(a.auth.username, "DESK_A");
  EXPECT_EQ(a.auth.password_hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u);
  EXPECT_FALSE(a.auth.ed25519_public_key.has_value());
  ASSERT_TRUE(a.throttle.has_value());
  EXPECT_EQ(a.throttle->messages_per_second, 100u);
  EXPECT_EQ(a.throttle->burst, 200u);
  EXPECT_EQ(a.throttle->logout_after_breaches, 50u);
  EXPECT_EQ(a.throttle->breach_window_s, 10u);
  EXPECT_TRUE(a.cancel_on_disconnect);
  EXPECT_FALSE(a.allow_market_data);
  EXPECT_EQ(a.quickfix.heart_bt_int, 30u);
  EXPECT_EQ(a.quickfix.file_store_path, "data/quickstart/fix/store");
  EXPECT_EQ(a.quickfix.file_log_path, "data/quickstart/fix/log");

  const SessionConfig& d = c.sessions.at(2);
  EXPECT_EQ(d.sender_comp_id, "COMPLIANCE");
  EXPECT_EQ(d.role, SessionRole::drop_copy);
  EXPECT_TRUE(d.all_accounts);
  EXPECT_TRUE(d.accounts.empty());
  EXPECT_FALSE(d.throttle.has_value());
  EXPECT_FALSE(d.cancel_on_disconnect);
}

TEST(Quickstart, DemoPasswordsMatchTheirHashes) {
  ASSERT_GE(sodium_init(), 0);
  const VenueConfig& c = quickstart();
  const char* passwords[] = {"desk-a-demo", "desk-b-demo", "compliance-demo"};
  ASSERT_EQ(c.sessions.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const std::string& h = c.sessions[i].auth.password_hash;
    std::string p = passwords[i];
    EXPECT_EQ(crypto_pwhash_str_verify(h.c_str(), p.data(), p.size()), 0) << p;
    std::string wrong = p + "x";
    EXPECT_NE(crypto_pwhash_str_verify(h.c_str(), wrong.data(), wrong.size()), 0) << p;
  }
}

TEST(Quickstart, RiskSettlementAndServices) {
  const VenueConfig& c = quickstart();
  EXPECT_EQ(c.risk.insurance_fund, Quote(100'000 * kUsdc));
  EXPECT_EQ(c.risk.liquidation_fee_bps, 100);
  EXPECT_EQ(c.risk.liquidation_buffer_bps, 200);
  EXPECT_TRUE(c.settlement.enabled);
  EXPECT_EQ(c.settlement.rpc_url, "http://127.0.0.1:8899");
  EXPECT_EQ(c.settlement.commitment, Commitment::confirmed);
  EXPECT_EQ(c.settlement.keys_dir, "data/quickstart/keys");
  EXPECT_EQ(c.settlement.manifest, "data/quickstart/localnet-manifest.json");
  EXPECT_EQ(c.settlement.delegate_allowance, Quote(100'000'000 * kUsdc));
  EXPECT_EQ(c.settlement.vault_float, Quote(10'000'000 * kUsdc));
  EXPECT_EQ(c.settlement.batch_max_fills, 64u);
  EXPECT_EQ(c.settlement.batch_max_delay_ms, 1000u);
  EXPECT_EQ(c.localnet.port, 8899);
  EXPECT_EQ(c.localnet.block_ms, 400u);
  EXPECT_EQ(c.localnet.state_file, "data/quickstart/localnet-state.json");
  EXPECT_EQ(c.localnet.finalize_depth, 32u);
  EXPECT_TRUE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.bind, "127.0.0.1");
  EXPECT_EQ(c.metrics.port, 9464);
  EXPECT_EQ(c.admin.socket, "data/quickstart/qdctl.sock");
  EXPECT_EQ(c.logging.level, LogLevel::info);
  EXPECT_EQ(c.logging.file, "data/quickstart/logs/quantdesk.log");
  EXPECT_EQ(c.logging.max_size_mb, 50u);
  EXPECT_EQ(c.logging.max_files, 5u);
}

TEST(Embedded, EqualsTheQuickstartFile) {
  std::string file = test::read_text(test::repo_file("config/quickstart.yaml"));
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(embedded_quickstart_yaml(), file);
}

TEST(Embedded, LoadsToTheSameConfig) {
  ConfigResult r = load_embedded_quickstart();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->markets.size(), quickstart().markets.size());
  EXPECT_EQ(r->sessions.at(1).auth.password_hash, quickstart().sessions.at(1).auth.password_hash);
  EXPECT_EQ(r->markets.at(0).tick_size, quickstart().markets.at(0).tick_size);
}

TEST(CheckConfigMain, OkLineAndExitCode) {
  std::ostringstream out, err;
  std::string path = test::repo_file("config/quickstart.yaml");
  EXPECT_EQ(check_config_main(path, out, err), 0);
  EXPECT_EQ(out.str(), path + ": ok (3 markets, 2 accounts, 3 sessions)\n");
  EXPECT_EQ(err.str(), "");
}

TEST(CheckConfigMain, EmptyPathChecksTheEmbeddedQuickstart) {
  std::ostringstream out, err;
  EXPECT_EQ(check_config_main("", out, err), 0);
  EXPECT_EQ(out.str(),
            "config/quickstart.yaml (embedded): ok (3 markets, 2 accounts, 3 sessions)\n");
}

TEST(CheckConfigMain, ErrorsAndExitCode) {
  std::ostringstream out, err;
  std::string path = test::repo_file("config/examples/invalid/syntax.yaml");
  EXPECT_EQ(check_config_main(path, out, err), 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(),
            path + ":4:8: YAML syntax error: end of map flow not found\n" + path + ": 1 error\n");
}

TEST(FullExample, EveryNonDefaultValue) {
  ConfigResult r = load_config(test::repo_file("config/examples/full.yaml"));
  for (const ConfigError& e : r.errors()) ADD_FAILURE() << e.to_string();
  ASSERT_TRUE(r.has_value());
  const VenueConfig& c = *r;
  ASSERT_EQ(c.listeners.size(), 2u);
  ASSERT_TRUE(c.listeners[1].tls.has_value());
  EXPECT_EQ(c.listeners[1].tls->ca, "/etc/quantdesk/tls/clients-ca.crt");
  EXPECT_TRUE(c.listeners[1].tls->require_client_cert);
  EXPECT_EQ(c.journal.path, "/var/lib/quantdesk/journal/journal.db");

  const MarketConfig& btc = c.markets.at(0);
  EXPECT_EQ(btc.taker_fee_ppm, 550);  // 5.5 bps
  EXPECT_EQ(btc.min_size, Qty(kBase / 1000));
  EXPECT_EQ(btc.day_end_offset_ns, 21LL * 3600 * 1'000'000'000);
  EXPECT_EQ(btc.oracle.max_confidence_bps, 200);
  EXPECT_EQ(btc.oracle.mark_band_bps, 100);
  const MarketConfig& eth = c.markets.at(1);
  EXPECT_EQ(eth.min_size, eth.lot_size);  // defaults to one lot
  EXPECT_EQ(eth.price_band_bps, 500);
  EXPECT_EQ(eth.funding_interval_s, 3600u);

  EXPECT_EQ(c.accounts.at(1).stp_mode, StpMode::cancel_aggressing);
  EXPECT_EQ(c.accounts.at(1).stp_group, 1u);
  EXPECT_FALSE(c.accounts.at(2).enabled);
  EXPECT_EQ(c.accounts.at(2).number, 3u);

  const SessionConfig& desk = c.sessions.at(0);
  EXPECT_EQ(desk.listener, "tls");
  EXPECT_EQ(desk.accounts, (std::vector<std::string>{"DESK-A", "DESK-A2"}));
  EXPECT_TRUE(desk.allow_market_data);
  // base58 "J5LT...SAu" = fdb3004b...8312 (computed independently)
  ASSERT_TRUE(desk.auth.ed25519_public_key.has_value());
  EXPECT_EQ((*desk.auth.ed25519_public_key)[0], 0xfd);
  EXPECT_EQ((*desk.auth.ed25519_public_key)[1], 0xb3);
  EXPECT_EQ((*desk.auth.ed25519_public_key)[31], 0x12);
  const QuickFixSettings& q = desk.quickfix;
  EXPECT_EQ(q.start_time, (TimeOfDay{21, 5, 0}));
  EXPECT_EQ(q.start_time.to_string(), "21:05:00");
  EXPECT_EQ(q.end_time.to_string(), "21:00:00");
  EXPECT_EQ(q.start_day, Weekday::sunday);
  EXPECT_EQ(q.end_day, Weekday::friday);
  EXPECT_EQ(q.timestamp_precision, 3u);
  EXPECT_EQ(q.max_latency, 30u);
  EXPECT_EQ(q.file_store_path, "/var/lib/quantdesk/fix/store");

  const SessionConfig& dc = c.sessions.at(1);
  EXPECT_TRUE(dc.trade_capture_reports);
  ASSERT_TRUE(dc.auth.ed25519_public_key.has_value());  // base64 lZvF... = 959bc5e9...8ffe
  EXPECT_EQ((*dc.auth.ed25519_public_key)[0], 0x95);
  EXPECT_EQ((*dc.auth.ed25519_public_key)[31], 0xfe);
  EXPECT_EQ(dc.quickfix.file_store_path, "/var/lib/quantdesk/fix/store");  // default
  EXPECT_EQ(dc.quickfix.file_log_path, "/var/lib/quantdesk/fix/log");      // default

  const SessionConfig& md = c.sessions.at(2);
  EXPECT_EQ(md.role, SessionRole::market_data);
  EXPECT_FALSE(md.enabled);
  EXPECT_EQ(md.throttle->logout_after_breaches, 0u);

  EXPECT_EQ(c.risk.unrealized_pnl_weight_bps, 10000);
  EXPECT_EQ(c.risk.impact_notional, Quote(500 * kUsdc));
  EXPECT_EQ(c.risk.funding_interest_8h_e9, 100'000);   // 0.01%
  EXPECT_EQ(c.risk.funding_clamp_8h_e9, 500'000);      // 0.05%
  EXPECT_EQ(c.risk.funding_cap_hourly_e9, 1'250'000);  // 0.125%
  EXPECT_EQ(c.settlement.commitment, Commitment::finalized);
  EXPECT_EQ(c.logging.max_files, 10u);
}

}  // namespace
}  // namespace qd
