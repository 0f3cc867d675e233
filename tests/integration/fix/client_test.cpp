// qd-client in scripted mode against the real venue: commands in, one line per report out.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "tests/integration/fix/fix_harness.hpp"

namespace qd::fix::test {
namespace {

std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

TEST(FixClient, ScriptedOrdersPrintOneLinePerReport) {
  VenueHarness v;
  std::string script = v.dir() + "/orders.txt";
  std::ofstream(script) << "# a resting bid, a crossing sell from the same desk is an STP case,\n"
                           "# so the other desk takes it\n"
                           "buy BTC-PERP 0.5 @ 49000 gtc id=bid1\n"
                           "buy BTC-PERP 0.1 @ 49000.05 id=bad\n"
                           "sleep 300\n"
                           "replace bid1 0.4 @ 49000\n"
                           "status bid1\n"
                           "cancel bid1\n"
                           "frobnicate\n";
  std::string out =
      run(std::string(QD_CLIENT_PATH) + " --port " + std::to_string(v.port()) +
          " --sender DESK_A --password desk-a-pass --script " + script + " --linger 1500 2>&1");
  EXPECT_NE(out.find("logged on as DESK_A"), std::string::npos) << out;
  EXPECT_NE(out.find("ER exec=0 status=0 id=bid1"), std::string::npos) << out;
  EXPECT_NE(out.find("ER exec=8 status=8 id=bad"), std::string::npos) << out;
  EXPECT_NE(out.find("code=206"), std::string::npos) << out;
  EXPECT_NE(out.find("ER exec=5 status=0"), std::string::npos) << out;
  EXPECT_NE(out.find("kept=Y"), std::string::npos) << out;
  EXPECT_NE(out.find("ER exec=I status=0 id="), std::string::npos) << out;
  EXPECT_NE(out.find("ER exec=4 status=4"), std::string::npos) << out;
  EXPECT_NE(out.find("ERROR unknown command 'frobnicate'"), std::string::npos) << out;
  // One report per line: no line holds two.
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) EXPECT_LE(std::count(line.begin(), line.end(), '='), 40);
}

TEST(FixClient, LoadModeReportsPercentiles) {
  VenueHarness v([](VenueConfig& c) {
    c.sessions[0].throttle->messages_per_second = 100000;
    c.sessions[0].throttle->burst = 100000;
  });
  std::string out = run(std::string(QD_CLIENT_PATH) + " --port " + std::to_string(v.port()) +
                        " --sender DESK_A --password desk-a-pass --load 200 --window 8 2>&1");
  EXPECT_NE(out.find("load: orders=200 window=8 sent=200 answered=200 rejected=0"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("p99.9="), std::string::npos);
  EXPECT_EQ(out.find("TIMED-OUT"), std::string::npos);
}

TEST(FixClient, WrongPasswordExitsWithTheReason) {
  VenueHarness v;
  std::string out = run(std::string(QD_CLIENT_PATH) + " --port " + std::to_string(v.port()) +
                        " --sender DESK_A --password nope --script /dev/null 2>&1; echo rc=$?");
  EXPECT_NE(out.find("not logged on: Rejected Logon Attempt: invalid username or password"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("rc=3"), std::string::npos) << out;
}

}  // namespace
}  // namespace qd::fix::test
