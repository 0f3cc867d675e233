#pragma once
// Helpers for the drop-copy and audit tests: an inbox that keeps every message an initiator
// received, a scenario that produces each kind of order event, and an initiator that names a
// resume cursor (DropCopyResumeAfter 20031) in its Logon.

#include <sqlite3.h>

#include <map>
#include <set>

#include "fix/drop_copy_service.hpp"
#include "fix/venue_tags.hpp"
#include "tests/integration/fix/fix_harness.hpp"

namespace qd::fix::test {

/// "<seq>.<index>": an ExecID the engine assigned (gateway-made ones start with "G").
inline bool is_engine_exec_id(const std::string& id) {
  const size_t dot = id.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == id.size()) return false;
  for (size_t i = 0; i < id.size(); ++i)
    if (i != dot && (id[i] < '0' || id[i] > '9')) return false;
  return true;
}

/// Every message an initiator received, kept so tests can wait on one and read all.
class Inbox {
 public:
  explicit Inbox(Initiator& i) : i_(i) {}
  bool wait(const std::function<bool(const FIX::Message&)>& pred,
            std::chrono::milliseconds timeout = 5s) {
    for (const FIX::Message& m : got_)
      if (pred(m)) return true;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto m = i_.next(50ms);
      if (!m) continue;
      got_.push_back(*m);
      if (pred(*m)) return true;
    }
    return false;
  }
  /// Reads until nothing arrives for `quiet`.
  void drain(std::chrono::milliseconds quiet = 300ms) {
    while (auto m = i_.next(quiet)) got_.push_back(*m);
  }
  /// Engine ExecutionReports (35=8, ExecID "<seq>.<index>") by ExecID; QuickFIX resends of
  /// earlier ones (PossDupFlag 43=Y, e.g. after a desk reconnects with a fresh store) left out.
  std::map<std::string, FIX::Message> engine_reports() const {
    std::map<std::string, FIX::Message> out;
    for (const FIX::Message& m : got_)
      if (field(m, 35) == "8" && field(m, 43) != "Y" && is_engine_exec_id(field(m, 17)))
        out.emplace(field(m, 17), m);
    return out;
  }
  /// Copies received (35=8 or AE with CopyMsgIndicator).
  std::vector<FIX::Message> copies() const {
    std::vector<FIX::Message> out;
    for (const FIX::Message& m : got_)
      if (field(m, 797) == "Y") out.push_back(m);
    return out;
  }
  std::vector<FIX::Message>& all() { return got_; }

 private:
  Initiator& i_;
  std::vector<FIX::Message> got_;
};

/// New, partial fill, fill, replace, cancel and an engine reject between DESK_A and DESK_B;
/// ClOrdIDs carry `tag`. Waits for every owner report.
inline void trade_scenario(Initiator& a, Inbox& ia, Initiator& b, Inbox& ib,
                           const std::string& tag) {
  const std::string a1 = "A1-" + tag, a2 = "A2-" + tag, a3 = "A3-" + tag;
  const std::string b1 = "B1-" + tag, b2 = "B2-" + tag;
  FIX::Message m = limit(a1, '1', "1", "50000");
  ASSERT_TRUE(a.send(m));
  ASSERT_TRUE(ia.wait(er(a1, '0')));
  m = limit(b1, '2', "0.4", "50000");
  ASSERT_TRUE(b.send(m));
  ASSERT_TRUE(ib.wait(er(b1, 'F')));
  ASSERT_TRUE(ia.wait(er(a1, 'F')));
  m = replace(a2, a1, '1', "2", "49990");
  ASSERT_TRUE(a.send(m));
  ASSERT_TRUE(ia.wait(er(a2, '5')));
  m = cancel(a3, a2, '1');
  ASSERT_TRUE(a.send(m));
  ASSERT_TRUE(ia.wait(er(a3, '4')));
  m = limit(b2, '1', "0.1", "60000");  // outside the 5% band: the engine rejects it
  ASSERT_TRUE(b.send(m));
  ASSERT_TRUE(ib.wait(er(b2, '8')));
}

/// Every engine report the owners got has exactly one copy with the same ExecID, ClOrdID,
/// Account and ExecType, flagged 797=Y and naming the owner's session; returns the copies by
/// ExecID. Waits up to 10 s for them.
inline std::map<std::string, FIX::Message> expect_copies(
    Inbox& dc, const std::vector<std::pair<std::string, Inbox*>>& owners) {
  std::map<std::string, std::pair<std::string, FIX::Message>> expected;
  for (const auto& [session, inbox] : owners)
    for (auto& [id, m] : inbox->engine_reports()) expected.emplace(id, std::make_pair(session, m));
  auto all_there = [&] {
    std::set<std::string> seen;
    for (const FIX::Message& m : dc.copies()) seen.insert(field(m, 17));
    for (const auto& [id, _] : expected)
      if (!seen.count(id)) return false;
    return true;
  };
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!all_there() && std::chrono::steady_clock::now() < deadline)
    dc.wait([](const FIX::Message&) { return false; }, 100ms);
  dc.drain(200ms);
  std::map<std::string, FIX::Message> by_id;
  for (const FIX::Message& m : dc.copies()) {
    const std::string id = field(m, 17);
    EXPECT_TRUE(by_id.emplace(id, m).second) << "duplicate copy of ExecID " << id;
  }
  for (const auto& [id, owner] : expected) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      ADD_FAILURE() << "no drop copy of ExecID " << id << " (" << owner.first << ", ClOrdID "
                    << field(owner.second, 11) << ")";
      continue;
    }
    const FIX::Message& c = it->second;
    EXPECT_EQ(field(c, 35), "8") << id;
    EXPECT_EQ(field(c, 11), field(owner.second, 11)) << id;
    EXPECT_EQ(field(c, 1), field(owner.second, 1)) << id;
    EXPECT_EQ(field(c, 150), field(owner.second, 150)) << id;
    EXPECT_EQ(field(c, 39), field(owner.second, 39)) << id;
    EXPECT_EQ(field(c, 14), field(owner.second, 14)) << id;
    EXPECT_EQ(field(c, tag::OriginSession), owner.first) << id;
  }
  return by_id;
}

/// An initiator whose Logon names a resume cursor (DropCopyResumeAfter 20031).
class CursorInitiator : public Initiator {
 public:
  CursorInitiator(InitiatorOptions o, std::string cursor)
      : Initiator(std::move(o)), cursor_(std::move(cursor)) {}
  ~CursorInitiator() override { stop(true); }
  void toAdmin(FIX::Message& msg, const FIX::SessionID& id) override {
    Initiator::toAdmin(msg, id);
    if (msg.getHeader().getField(35) == "A") msg.setField(tag::DropCopyResumeAfter, cursor_);
  }

 private:
  std::string cursor_;
};

/// Rows of a query against an SQLite file, each column as text ("" for NULL).
inline std::vector<std::vector<std::string>> query(const std::string& path,
                                                   const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::vector<std::string>> rows;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path);
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(msg);
  }
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(s); ++c) {
      const unsigned char* t = sqlite3_column_text(s, c);
      row.push_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rows;
}

}  // namespace qd::fix::test
