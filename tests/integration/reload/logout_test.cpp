// Operator actions on FIX sessions against a real quantdesk: `qdctl sessions logout` ends a
// desk's session with the operator's Text (its orders cancelled on disconnect, the action
// audited, the desk free to log on again), and cancel-on-disconnect after the venue itself was
// killed: on restart the orders are cancelled and the desk receives the reports after its next
// Logon.

#include <gtest/gtest.h>

#include "tests/integration/ops/ops_harness.hpp"

namespace qd::ops_test {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> resting(OpsVenue& v, const std::string& account) {
  std::vector<std::string> out;
  const json j = v.qdctl_json({"account", "show", account});
  for (const auto& o : j["result"]["resting_orders"])
    out.push_back(o["client_order_id"].get<std::string>());
  return out;
}

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds t = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + t;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return f();
}

TEST(SessionsLogout, TheDeskIsLoggedOutWithTheTextItsOrdersCancelledAndItMayLogOnAgain) {
  OpsVenue v;
  v.start();
  RunResult r = v.qdctl({"sessions", "logout", "DESK_A"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("not logged on"), std::string::npos) << r.err;

  auto desk = v.connect("DESK_A");
  auto o = limit_order("lo-1", "BTC-PERP", '1', "0.01", "49000");
  ASSERT_TRUE(desk->send(o));
  ASSERT_TRUE(wait_report(*desk, "lo-1", '0'));

  r = v.qdctl({"sessions", "logout", "DESK_A", "end", "of", "day", "maintenance"});
  EXPECT_EQ(r.rc, 0) << r.out << r.err;
  ASSERT_TRUE(desk->wait_logged_out(15s));
  EXPECT_EQ(desk->last_logout_text(), "end of day maintenance");
  // Cancel-on-disconnect ran for the session's order.
  EXPECT_TRUE(eventually([&] { return resting(v, "DESK-A").empty(); }));
  desk->stop(true);

  const auto rows = sql_rows(v.audit_path(),
                             "SELECT command, outcome, detail FROM admin_audit WHERE "
                             "command='sessions.logout' ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[1][2].find("end of day maintenance"), std::string::npos) << rows[1][2];

  // Logged out, not locked out.
  auto again = v.connect("DESK_A");
  EXPECT_TRUE(again->logged_on());
  again->stop(true);
}

TEST(CancelOnDisconnect, OrdersOfAKilledVenueAreCancelledAtRestartAndReportedAfterTheNextLogon) {
  OpsVenue v;
  v.start();
  fix::InitiatorOptions o;
  o.port = v.fix_port();
  o.sender_comp_id = "DESK_A";
  o.username = "DESK_A";
  o.password = kDeskAPassword;
  o.store_path = v.dir() + "/desk-a-store";  // the desk keeps its sequence numbers
  auto desk = std::make_unique<fix::Initiator>(o);
  desk->start();
  ASSERT_TRUE(desk->wait_logged_on(20s));
  for (const char* cl : {"cod-1", "cod-2"}) {
    auto m = limit_order(cl, "BTC-PERP", '1', "0.01", "49000");
    ASSERT_TRUE(desk->send(m));
    ASSERT_TRUE(wait_report(*desk, cl, '0'));
  }
  ASSERT_EQ(resting(v, "DESK-A").size(), 2u);

  // The venue dies under the desk: no Logout, no cancel.
  EXPECT_EQ(v.stop(SIGKILL), 128 + SIGKILL);
  desk->stop(true);
  v.start();
  // Replay put the orders back; the session is not logged on, so they are cancelled now.
  EXPECT_TRUE(eventually([&] { return resting(v, "DESK-A").empty(); }));
  // One session-wide cancel, for DESK_A only (no other session had open orders).
  EXPECT_EQ(sql_int(v.journal_path(), "SELECT count(*) FROM commands WHERE kind='mass_cancel'"), 1);

  // The desk logs on again with its store: the reports come as a resend after the Logon.
  desk = std::make_unique<fix::Initiator>(o);
  desk->start();
  ASSERT_TRUE(desk->wait_logged_on(20s));
  for (const char* cl : {"cod-1", "cod-2"}) {
    auto r = wait_report(*desk, cl, '4');
    ASSERT_TRUE(r) << cl;
    EXPECT_EQ(field(*r, 20001), "7") << cl;  // cancel cause: cancel on disconnect
    EXPECT_EQ(field(*r, 39), "4");
  }
  desk->stop(true);
}

}  // namespace
}  // namespace qd::ops_test
