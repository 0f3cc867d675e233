#include "fix/audit_trail.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "tests/unit/fix/fix_test_config.hpp"

namespace qd::fix {
namespace {

std::vector<std::vector<std::string>> rows(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  std::vector<std::vector<std::string>> out;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK) {
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::vector<std::string> r;
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const unsigned char* t = sqlite3_column_text(s, c);
        r.push_back(t ? reinterpret_cast<const char*>(t) : "");
      }
      out.push_back(r);
    }
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

FIX::Message order(const std::string& cl) {
  FIX::Message m;
  m.getHeader().setField(35, "D");
  m.getHeader().setField(34, "7");
  m.setField(11, cl);
  m.setField(1, "DESK-A");
  m.setField(55, "BTC-PERP");
  m.setField(554, "hunter2");  // never belongs in an order; must never reach the table
  return m;
}

TEST(AuditTrail, ScopeRecordsTheLastOutcomeWithIdsAndRedactedRaw) {
  const std::string dir = test::make_temp_dir("qd-audit");
  const std::string path = dir + "/audit.db";
  {
    AuditTrail trail(path);
    {
      AuditScope s(&trail, order("ok"), "DESK_A", 1);
      AuditScope::submitted();
    }
    {
      AuditScope s(&trail, order("busy"), "DESK_A", 1);
      AuditScope::submitted();
      AuditScope::rejected("system busy, retry");  // the last word wins
    }
    {
      AuditScope s(&trail, order("dup"), "DESK_A", 1);
      AuditScope::ignored("possible duplicate");
    }
    { AuditScope s(&trail, order("asked"), "DESK_A", 1); }
    trail.flush();
    EXPECT_EQ(trail.written(), 4u);
  }
  auto r = rows(path,
                "SELECT session, session_number, msg_type, msg_seq_num, cl_ord_id, account, symbol,"
                " outcome, coalesce(reason, ''), raw FROM audit ORDER BY id");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0][0], "DESK_A");
  EXPECT_EQ(r[0][1], "1");
  EXPECT_EQ(r[0][2], "D");
  EXPECT_EQ(r[0][3], "7");
  EXPECT_EQ(r[0][4], "ok");
  EXPECT_EQ(r[0][5], "DESK-A");
  EXPECT_EQ(r[0][6], "BTC-PERP");
  EXPECT_EQ(r[0][7], "submitted");
  EXPECT_EQ(r[1][7], "rejected");
  EXPECT_EQ(r[1][8], "system busy, retry");
  EXPECT_EQ(r[2][7], "ignored");
  EXPECT_EQ(r[3][7], "answered");
  for (const auto& row : r) {
    EXPECT_EQ(row[9].find("hunter2"), std::string::npos) << row[9];
    EXPECT_NE(row[9].find("|554=***|"), std::string::npos) << row[9];
  }
  std::filesystem::remove_all(dir);
}

TEST(AuditTrail, SettersWithoutAScopeDoNothing) {
  AuditScope::submitted();
  AuditScope::rejected("x");
  AuditScope null_trail(nullptr, order("n"), "DESK_A", 1);
  AuditScope::rejected("nothing is recorded without a trail");
}

TEST(AuditTrail, BeyondTheQueueLimitRowsAreCountedAsDropped) {
  const std::string dir = test::make_temp_dir("qd-audit");
  AuditTrail trail(dir + "/audit.db", 0);
  { AuditScope s(&trail, order("lost"), "DESK_A", 1); }
  trail.flush();
  EXPECT_EQ(trail.dropped(), 1u);
  EXPECT_EQ(trail.written(), 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qd::fix
