// The inbound audit trail end to end: every application message a session sends is a row in
// <data_dir>/audit.db with its outcome.
#include <gtest/gtest.h>

#include "tests/integration/dropcopy/drop_copy_harness.hpp"

namespace qd::fix::test {
namespace {

/// `sql` on the venue's audit.db once `rows` rows are committed (at most 5 s). A row is queued
/// when the gateway is done with its message, just after it queued the answer the desk waited
/// for.
std::vector<std::vector<std::string>> audit_rows(VenueHarness& v, uint64_t rows,
                                                 const std::string& sql) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (v.gateway().audit_trail()->written() < rows &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  v.gateway().audit_trail()->flush();
  return query(v.dir() + "/audit.db", sql);
}

TEST(AuditTrailVenue, RowPerInboundMessageWithItsOutcome) {
  VenueHarness v;
  auto a = v.connect("DESK_A");
  auto dc = v.connect("COMPLIANCE");
  Inbox ia(*a), idc(*dc);
  FIX::Message m = limit("au1", '1', "0.1", "49000");
  ASSERT_TRUE(a->send(m));
  ASSERT_TRUE(ia.wait(er("au1", '0')));
  m = limit("au1", '1', "0.1", "49000");  // the same ClOrdID again
  ASSERT_TRUE(a->send(m));
  ASSERT_TRUE(ia.wait(er("au1", '8')));
  FIX::Message h;
  h.getHeader().setField(35, "H");
  h.setField(11, "au1");
  h.setField(55, "BTC-PERP");
  h.setField(54, "1");
  ASSERT_TRUE(a->send(h));
  ASSERT_TRUE(ia.wait(er("au1", 'I')));
  m = limit("au-dc", '1', "0.1", "49000");
  m.setField(1, "DESK-A");
  ASSERT_TRUE(dc->send(m));
  ASSERT_TRUE(idc.wait(type_is("j")));
  v.gateway().flush_outbound();
  ASSERT_NE(v.gateway().audit_trail(), nullptr);
  auto rows = audit_rows(v, 4,
                         "SELECT session, msg_type, cl_ord_id, outcome, coalesce(reason, ''), raw,"
                         " msg_seq_num, received_ns > 0 FROM audit ORDER BY id");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][0], "DESK_A");
  EXPECT_EQ(rows[0][1], "D");
  EXPECT_EQ(rows[0][2], "au1");
  EXPECT_EQ(rows[0][3], "submitted");
  EXPECT_EQ(rows[0][4], "");
  EXPECT_NE(rows[0][5].find("|11=au1|"), std::string::npos) << rows[0][5];
  EXPECT_EQ(rows[0][7], "1");
  EXPECT_EQ(rows[1][3], "rejected");
  EXPECT_NE(rows[1][4].find("duplicate ClOrdID"), std::string::npos) << rows[1][4];
  EXPECT_EQ(std::stoi(rows[1][6]), std::stoi(rows[0][6]) + 1);
  EXPECT_EQ(rows[2][1], "H");
  EXPECT_EQ(rows[2][3], "answered");
  EXPECT_EQ(rows[3][0], "COMPLIANCE");
  EXPECT_EQ(rows[3][3], "rejected");
  EXPECT_EQ(rows[3][4], "MsgType D not permitted on a drop_copy session");
  // The documented query works on the view.
  auto view = query(v.dir() + "/audit.db",
                    "SELECT time, outcome FROM audit_log WHERE session = 'DESK_A' AND"
                    " cl_ord_id = 'au1' ORDER BY id");
  ASSERT_EQ(view.size(), 3u);
  EXPECT_EQ(view[0][0].size(), 29u) << view[0][0];  // "YYYY-MM-DD HH:MM:SS.nnnnnnnnn"
  stop_all({a.get(), dc.get()});
}

// The row keeps the bytes the desk sent, in the desk's field order, not the venue's
// re-serialisation of the parsed message; a message QuickFIX queued behind a gap is recorded too.
TEST(AuditTrailVenue, RawIsTheBytesTheDeskSent) {
  VenueHarness v;
  RawConnection raw(v.port());
  ASSERT_TRUE(raw.send(frame("35=A|34=1|49=DESK_A|52=" + now_text() +
                             "|56=QUANTDESK|98=0|108=30|141=Y|553=DESK_A|554=" +
                             password_of("DESK_A") + "|")));
  ASSERT_NE(raw.read_until(soh("|35=A|"), 5s).find(soh("|35=A|")), std::string::npos);
  // TransactTime and Symbol ahead of ClOrdID: a re-serialisation would put the tags in order.
  const std::string first = "|60=" + now_text() + "|55=BTC-PERP|11=raw1|54=1|38=0.1|40=2|44=49000|59=1|";
  ASSERT_TRUE(raw.send(frame("35=D|34=2|49=DESK_A|52=" + now_text() + "|56=QUANTDESK" + first)));
  ASSERT_NE(raw.read_until(soh("|11=raw1|"), 5s).find(soh("|11=raw1|")), std::string::npos);
  // Sequence 4 before 3: QuickFIX queues 4 and handles it after 3.
  const auto d = [](int seq, const std::string& cl) {
    return frame("35=D|34=" + std::to_string(seq) + "|49=DESK_A|52=" + now_text() +
                 "|56=QUANTDESK|11=" + cl + "|55=BTC-PERP|54=1|60=" + now_text() +
                 "|38=0.1|40=2|44=49000|59=1|");
  };
  ASSERT_TRUE(raw.send(d(4, "raw4")));
  ASSERT_TRUE(raw.send(d(3, "raw3")));
  ASSERT_NE(raw.read_until(soh("|11=raw4|"), 5s).find(soh("|11=raw4|")), std::string::npos);
  auto rows = audit_rows(v, 3, "SELECT cl_ord_id, msg_seq_num, raw FROM audit ORDER BY id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "raw1");
  EXPECT_NE(rows[0][2].find(first), std::string::npos) << rows[0][2];
  EXPECT_EQ(rows[1][0], "raw3");
  EXPECT_EQ(rows[1][1], "3");
  EXPECT_NE(rows[1][2].find("|34=3|"), std::string::npos) << rows[1][2];
  EXPECT_EQ(rows[2][0], "raw4");
  EXPECT_EQ(rows[2][1], "4");
  EXPECT_NE(rows[2][2].find("|34=4|"), std::string::npos) << rows[2][2];
  EXPECT_NE(rows[2][2].find("|11=raw4|"), std::string::npos) << rows[2][2];
}

}  // namespace
}  // namespace qd::fix::test
