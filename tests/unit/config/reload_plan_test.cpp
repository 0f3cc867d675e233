// Reload classification: what applies live, what needs a restart, what has no effect.

#include <gtest/gtest.h>

#include "app/config/config_loader.hpp"
#include "app/config/reload_plan.hpp"

namespace qd {
namespace {

VenueConfig quickstart() {
  ConfigResult r = load_embedded_quickstart();
  EXPECT_TRUE(r.has_value());
  return std::move(r).value();
}

using A = ReloadAction;

TEST(ReloadPlan, IdenticalConfigsChangeNothing) {
  ReloadPlan p = diff_for_reload(quickstart(), quickstart());
  EXPECT_TRUE(p.empty());
  EXPECT_FALSE(p.needs_restart());
}

TEST(ReloadPlan, LimitsBandsMarginsAndFeesApplyLive) {
  VenueConfig a = quickstart(), b = quickstart();
  b.markets[0].taker_fee_ppm = 1200;
  b.markets[0].price_band_bps = 300;
  b.markets[1].initial_margin_bps = 1250;
  b.markets[2].max_position = Qty(100'000'000'000'000);
  b.markets[2].status = MarketStatus::halted;
  ReloadPlan p = diff_for_reload(a, b);
  EXPECT_EQ(p.changes, (std::vector<ReloadChange>{
                           {A::live, "markets[BTC-PERP].price_band_pct: 5 -> 3"},
                           {A::live, "markets[BTC-PERP].taker_fee_bps: 10 -> 12"},
                           {A::live, "markets[ETH-PERP].initial_margin_pct: 10 -> 12.5"},
                           {A::live, "markets[SOL-PERP].max_position: 200000 -> 100000"},
                           {A::live, "markets[SOL-PERP].status: open -> halted"},
                       }));
  EXPECT_FALSE(p.needs_restart());
}

TEST(ReloadPlan, TickLotAndNewMarketsNeedARestart) {
  VenueConfig a = quickstart(), b = quickstart();
  b.markets[0].tick_size = Price(500'000);
  MarketConfig doge = b.markets[2];
  doge.symbol = "DOGE-PERP";
  doge.id = 3;
  b.markets.push_back(doge);
  ReloadPlan p = diff_for_reload(a, b);
  EXPECT_EQ(p.changes, (std::vector<ReloadChange>{
                           {A::restart, "markets[BTC-PERP].tick_size: 0.1 -> 0.5"},
                           {A::restart, "markets[DOGE-PERP] added (books are laid out at start)"},
                       }));
  EXPECT_TRUE(p.needs_restart());
}

TEST(ReloadPlan, ListenerPortTlsDataDirAndJournalNeedARestart) {
  VenueConfig a = quickstart(), b = quickstart();
  b.listeners[0].port = 9999;
  b.listeners[0].tls = TlsConfig{"c.pem", "k.pem", "", false};
  b.venue.data_dir = "/srv/qd";
  b.journal.path = "/srv/qd/journal.db";
  ReloadPlan p = diff_for_reload(a, b);
  EXPECT_EQ(
      p.descriptions(A::restart),
      (std::vector<std::string>{
          "venue.data_dir: data/quickstart -> /srv/qd",
          "journal.path: data/quickstart/journal.db -> /srv/qd/journal.db",
          "listeners[plain].port: 9876 -> 9999",
          "listeners[plain].tls: (none) -> cert=c.pem key=k.pem ca= require_client_cert=false",
      }));
  EXPECT_TRUE(p.descriptions(A::live).empty());
}

TEST(ReloadPlan, AccountsAddedAndSessionsDisabledLiveNewSessionsAndCredentialsAtRestart) {
  VenueConfig a = quickstart(), b = quickstart();
  AccountConfig c = b.accounts[1];
  c.id = "DESK-C";
  c.number = 3;
  b.accounts.push_back(c);
  b.accounts[0].enabled = false;
  b.accounts[1].max_open_orders = 50;
  SessionConfig s = b.sessions[1];
  s.sender_comp_id = "DESK_C";
  s.auth.username = "DESK_C";
  s.accounts = {"DESK-C"};
  b.sessions.push_back(s);
  b.sessions[0].enabled = false;
  b.sessions[1].throttle->messages_per_second = 50;
  b.sessions[1].auth.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$b3RoZXJzYWx0$c2VjcmV0";
  b.logging.level = LogLevel::debug;
  ReloadPlan p = diff_for_reload(a, b);
  EXPECT_EQ(p.changes, (std::vector<ReloadChange>{
                           {A::live, "logging.level: info -> debug"},
                           {A::live, "accounts[DESK-A].enabled: true -> false"},
                           {A::live, "accounts[DESK-B].max_open_orders: 1000 -> 50"},
                           {A::live, "accounts[DESK-C] added"},
                           {A::live, "sessions[DESK_A->QUANTDESK].enabled: true -> false"},
                           {A::restart, "sessions[DESK_B->QUANTDESK].auth.password_hash changed"},
                           {A::live,
                            "sessions[DESK_B->QUANTDESK].throttle.messages_per_second: "
                            "100 -> 50"},
                           {A::restart,
                            "sessions[DESK_C->QUANTDESK] added (QuickFIX sessions are created "
                            "when the listeners start)"},
                       }));
  // The gateway checks logons against the credentials it started with, and QuickFIX sessions
  // exist from the listeners' start on.
  EXPECT_TRUE(p.needs_restart());
  for (const ReloadChange& ch : p.changes)
    EXPECT_EQ(ch.description.find("argon2id"), std::string::npos);
}

TEST(ReloadPlan, RemovingOrReorderingAccountsNeedsARestart) {
  VenueConfig a = quickstart(), b = quickstart();
  std::swap(b.accounts[0], b.accounts[1]);
  b.accounts[0].number = 1;
  b.accounts[1].number = 2;
  EXPECT_EQ(diff_for_reload(a, b).descriptions(A::restart),
            (std::vector<std::string>{"accounts[DESK-A].position: 1 -> 2",
                                      "accounts[DESK-B].position: 2 -> 1"}));
  VenueConfig c = quickstart();
  c.accounts.pop_back();
  EXPECT_EQ(diff_for_reload(a, c).changes,
            (std::vector<ReloadChange>{{A::restart,
                                        "accounts[DESK-B] removed (numbering is by position: "
                                        "disable it with enabled: false instead)"}}));
}

TEST(ReloadPlan, QuickFixSettingsAndSessionRemovalNeedARestart) {
  VenueConfig a = quickstart(), b = quickstart();
  b.sessions[0].quickfix.heart_bt_int = 10;
  b.sessions.pop_back();
  ReloadPlan p = diff_for_reload(a, b);
  EXPECT_EQ(p.changes,
            (std::vector<ReloadChange>{
                {A::restart, "sessions[DESK_A->QUANTDESK].quickfix.HeartBtInt: 30 -> 10"},
                {A::restart, "sessions[COMPLIANCE->QUANTDESK] removed (to stop it now, set "
                             "enabled: false and reload)"},
            }));
}

TEST(ReloadPlan, InitialValuesHaveNoEffectOnARunningVenue) {
  VenueConfig a = quickstart(), b = quickstart();
  b.accounts[0].collateral = Quote(5);
  b.risk.insurance_fund = Quote(7'000'000);
  b.markets[0].oracle.initial_price = Price(60'000'000'000);
  ReloadPlan p = diff_for_reload(a, b);
  EXPECT_EQ(p.descriptions(A::no_effect),
            (std::vector<std::string>{"risk.insurance_fund: 100000 -> 7",
                                      "markets[BTC-PERP].oracle.initial_price: 50000 -> 60000",
                                      "accounts[DESK-A].collateral: 1000000 -> 0.000005"}));
  EXPECT_FALSE(p.needs_restart());
}

}  // namespace
}  // namespace qd
