// A config reload on a running venue: a market's price band, order size limit and initial
// margin and a desk's throttle change while it trades; orders entered after the reload see the
// new values, orders before it kept the old ones; a restart on the same journal replays
// exactly (a mismatch stops quantdesk) and keeps the new values, and a file edited while the
// venue was down applies at start as sequenced commands.

#include <gtest/gtest.h>

#include "tests/integration/ops/ops_harness.hpp"

namespace qd::ops_test {
namespace {

using namespace std::chrono_literals;

/// The venue's config with `from` replaced by `to` (each must occur once).
std::string edited(std::string yaml,
                   const std::vector<std::pair<std::string, std::string>>& edits) {
  for (const auto& [from, to] : edits) {
    const size_t at = yaml.find(from);
    if (at == std::string::npos) throw std::runtime_error("config has no '" + from + "'");
    yaml.replace(at, from.size(), to);
  }
  return yaml;
}

const std::string kBtc = "    min_notional: \"1\"\n    taker_fee_bps: \"10\"\n";
const std::string kDeskA = "    accounts: [\"DESK-A\"]\n";

/// The order's ExecutionReport: 'accepted', or the reject Text.
std::string outcome(fix::Initiator& desk, const std::string& cl) {
  auto m = desk.wait_for(
      [&](const FIX::Message& x) {
        return field(x, 35) == "8" && field(x, 11) == cl &&
               (field(x, 150) == "0" || field(x, 150) == "8");
      },
      20s);
  if (!m) return "no report";
  return field(*m, 150) == "0" ? "accepted" : "rejected: " + field(*m, 58);
}

std::string place(fix::Initiator& desk, const std::string& cl, const std::string& qty,
                  const std::string& price) {
  auto o = limit_order(cl, "BTC-PERP", '1', qty, price);
  if (!desk.send(o)) return "not sent";
  return outcome(desk, cl);
}

bool has(const json& list, const std::string& prefix) {
  for (const auto& s : list)
    if (s.get<std::string>().rfind(prefix, 0) == 0) return true;
  return false;
}

TEST(Reload, NewLimitsApplyAtASequencedPointAndReplayExactlyAfterARestart) {
  OpsVenue v;
  v.start();
  auto desk = v.connect("DESK_A");
  // Before: band 5% around 50,000 (bids up to 52,500), initial margin 10%, no size limit.
  ASSERT_EQ(place(*desk, "old-band", "0.01", "51500"), "accepted");

  const std::string changed = edited(
      v.config_yaml(), {{kBtc, kBtc + "    price_band_pct: \"2\"\n    max_order_size: \"100\"\n"
                                      "    initial_margin_pct: \"50\"\n"},
                        {kDeskA, kDeskA + "    throttle: { messages_per_second: 1, burst: 1, "
                                          "logout_after_breaches: 0 }\n"}});
  write_file(v.config_path(), changed);
  const json r = v.qdctl_json({"reload"});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const json& res = r["result"];
  EXPECT_TRUE(has(res["applied"], "markets[BTC-PERP].price_band_pct: 5 -> 2")) << res.dump();
  EXPECT_TRUE(has(res["applied"], "markets[BTC-PERP].max_order_size")) << res.dump();
  EXPECT_TRUE(has(res["applied"], "markets[BTC-PERP].initial_margin_pct")) << res.dump();
  EXPECT_TRUE(has(res["applied"], "sessions[DESK_A->QUANTDESK].throttle.messages_per_second"))
      << res.dump();
  EXPECT_TRUE(res["refused"].empty()) << res.dump();
  EXPECT_TRUE(res["pending"].empty()) << res.dump();
  EXPECT_EQ(
      sql_int(v.journal_path(), "SELECT count(*) FROM commands WHERE kind='update_market_params'"),
      2 + 1);  // both markets recorded at the first start, then BTC-PERP's change

  // The throttle: one message a second now; the second of two back-to-back orders is refused.
  std::this_thread::sleep_for(1100ms);
  auto a = limit_order("burst-1", "BTC-PERP", '1', "0.01", "49000");
  auto b = limit_order("burst-2", "BTC-PERP", '1', "0.01", "49000");
  ASSERT_TRUE(desk->send(a));
  ASSERT_TRUE(desk->send(b));
  EXPECT_EQ(outcome(*desk, "burst-1"), "accepted");
  const std::string second = outcome(*desk, "burst-2");
  EXPECT_NE(second.find("throttle"), std::string::npos) << second;
  // The reject names the limit in force now, not the one the venue started with.
  EXPECT_NE(second.find("limit 1/s, burst 1"), std::string::npos) << second;

  auto paced = [&](const std::string& cl, const std::string& qty, const std::string& px) {
    std::this_thread::sleep_for(1100ms);  // one message a second
    return place(*desk, cl, qty, px);
  };
  EXPECT_NE(paced("new-band", "0.01", "51500").find("rejected"), std::string::npos);
  EXPECT_NE(paced("too-big", "101", "50000").find("rejected"), std::string::npos);
  // 1,000,000 USDC carries 10,000,000 of notional at 10% but 2,000,000 at 50%: 60 BTC (3,000,000)
  // is refused for margin, with the numbers.
  const std::string margin = paced("margin", "60", "50000");
  EXPECT_NE(margin.find("rejected"), std::string::npos) << margin;
  EXPECT_EQ(paced("inside", "0.01", "50900"), "accepted");
  desk->stop(true);
  const int64_t seq_before =
      v.qdctl_json({"status"})["result"]["engine"]["last_seq"].get<int64_t>();

  // Restart on the same journal with the edited file: replay must match command by command
  // (quantdesk refuses to start otherwise), and the order accepted under the old band is back.
  ASSERT_EQ(v.stop(), 0);
  v.start();
  const json st = v.qdctl_json({"status"});
  EXPECT_GT(st["result"]["journal"]["replayed_commands"].get<int64_t>(), 10) << st.dump();
  // Every command was replayed and matched its recorded events, those of the orders accepted
  // under the old band (and later cancelled on disconnect) included.
  EXPECT_GE(st["result"]["journal"]["replayed_commands"].get<int64_t>(), seq_before);
  // Nothing was different between the journal and the file: no command at start.
  EXPECT_EQ(
      sql_int(v.journal_path(), "SELECT count(*) FROM commands WHERE kind='update_market_params'"),
      3);
  desk = v.connect("DESK_A");
  EXPECT_NE(place(*desk, "still-narrow", "0.01", "51500").find("rejected"), std::string::npos);
  desk->stop(true);

  // Edited while down: a 3% band applies at start, after the replay.
  ASSERT_EQ(v.stop(), 0);
  write_file(v.config_path(),
             edited(changed, {{"price_band_pct: \"2\"", "price_band_pct: \"3\""}}));
  v.start();
  EXPECT_EQ(
      sql_int(v.journal_path(), "SELECT count(*) FROM commands WHERE kind='update_market_params'"),
      4);
  desk = v.connect("DESK_A");
  EXPECT_EQ(place(*desk, "wider", "0.01", "51400"), "accepted");  // 2.8% above the mark
  desk->stop(true);
  ASSERT_EQ(v.stop(), 0);
  v.start();  // and that replays exactly too
  desk = v.connect("DESK_A");
  EXPECT_EQ(place(*desk, "wider-2", "0.01", "51400"), "accepted");
  desk->stop(true);
}

TEST(Reload, RestartOnlyChangesAreReportedAndTheRestApplies) {
  OpsVenue v;
  v.start();
  // A listener port only applies at a restart; the ETH band in the same file applies live.
  const std::string changed =
      edited(v.config_yaml(), {{"port: " + std::to_string(v.fix_port()), "port: 1"},
                               {"tick_size: \"0.01\"\n    lot_size: \"0.001\"\n",
                                "tick_size: \"0.01\"\n    lot_size: \"0.001\"\n"
                                "    price_band_pct: \"7\"\n"}});
  write_file(v.config_path(), changed);
  const json r = v.qdctl_json({"reload"});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_TRUE(has(r["result"]["restart"], "listeners[plain].port")) << r.dump();
  EXPECT_TRUE(has(r["result"]["applied"], "markets[ETH-PERP].price_band_pct: 5 -> 7")) << r.dump();
  // The listener still accepts on the old port.
  auto desk = v.connect("DESK_A");
  desk->stop(true);
}

/// A fresh logon of DESK_A with 141=Y (no stored sequence numbers to match).
bool logs_on(OpsVenue& v) {
  return v.try_logon("DESK_A", kDeskAPassword, true);
}

TEST(Reload, ASessionDisabledLiveIsLoggedOutRefusedAndEnabledAgain) {
  OpsVenue v;
  v.start();
  auto desk = v.connect("DESK_A");
  const std::string base = v.config_yaml();
  write_file(v.config_path(), edited(base, {{kDeskA, kDeskA + "    enabled: false\n"}}));
  json r = v.qdctl_json({"reload"});
  EXPECT_TRUE(has(r["result"]["applied"], "sessions[DESK_A->QUANTDESK].enabled: true -> false"))
      << r.dump();
  ASSERT_TRUE(desk->wait_logged_out(15s));
  EXPECT_EQ(desk->last_logout_text(), "session disabled by the venue");
  desk->stop(true);
  EXPECT_FALSE(logs_on(v));

  write_file(v.config_path(), base);
  r = v.qdctl_json({"reload"});
  EXPECT_TRUE(has(r["result"]["applied"], "sessions[DESK_A->QUANTDESK].enabled: false -> true"))
      << r.dump();
  EXPECT_TRUE(logs_on(v));
}

}  // namespace
}  // namespace qd::ops_test
