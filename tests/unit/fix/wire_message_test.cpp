#include "fix/wire_message.hpp"

#include <gtest/gtest.h>

#include "fix/fix_time.hpp"

namespace qd::fix {
namespace {

// 2026-11-26 13:42:46.123456789 UTC
constexpr TimestampNs kSendingTime = 1'795'700'566'123'456'789;

/// What QuickFIX writes for the same message once Session::fill has added the header.
std::string quickfix_text(const WireMessage& m, const WireMessage::Header& h) {
  FIX::Message q = m.to_message();
  FIX::Header& header = q.getHeader();
  header.setField(FIX::BeginString(std::string(h.begin_string)));
  header.setField(FIX::SenderCompID(std::string(h.sender_comp_id)));
  header.setField(FIX::TargetCompID(std::string(h.target_comp_id)));
  header.setField(FIX::MsgSeqNum(h.msg_seq_num));
  header.setField(FIX::FIELD::SendingTime,
                  format_utc_timestamp(h.sending_time, h.sending_time_digits));
  return q.toString();
}

WireMessage execution_report() {
  WireMessage m("8");
  // Out of tag order on purpose: the frame sorts them as QuickFIX does.
  m.set(60, std::string_view("20261126-13:42:46.123"));
  m.set(37, std::string_view("1042"));
  m.set(11, std::string_view("order-7"));
  m.set(54, '1');
  m.set(151, int64_t(0));
  m.set(14, std::string_view("0.5"));
  m.set(20001, int64_t(12));
  m.set(58, std::string_view("expired"));
  return m;
}

TEST(WireMessage, FramesExactlyAsQuickFixSerialisesTheSameFields) {
  const WireMessage m = execution_report();
  for (int digits : {0, 3, 6, 9}) {
    for (int seq : {1, 9, 10, 12345, 999999}) {
      WireMessage::Header h{"FIX.4.4", "QUANTDESK", "DESK-A", seq, kSendingTime, digits};
      EXPECT_EQ(m.frame(h), quickfix_text(m, h)) << "digits " << digits << " seq " << seq;
    }
  }
}

TEST(WireMessage, TheFrameParsesAndValidatesAsTheMessageItWasBuiltFrom) {
  const WireMessage m = execution_report();
  const std::string text = m.frame({"FIX.4.4", "QUANTDESK", "DESK-A", 77, kSendingTime, 3});
  FIX::Message parsed(text, false);  // checks BodyLength and CheckSum
  EXPECT_EQ(parsed.getHeader().getField(FIX::FIELD::MsgSeqNum), "77");
  EXPECT_EQ(parsed.getHeader().getField(FIX::FIELD::SendingTime), "20261126-13:42:46.123");
  EXPECT_EQ(parsed.getField(FIX::FIELD::ClOrdID), "order-7");
  EXPECT_EQ(parsed.getField(20001), "12");
  EXPECT_EQ(parsed.toString(), text);
}

TEST(WireMessage, AReusedBufferHoldsOnlyTheLatestFrame) {
  const WireMessage m = execution_report();
  WireMessage::Header h{"FIX.4.4", "QUANTDESK", "DESK-A", 1, kSendingTime, 3};
  std::string buffer(5000, 'x');  // longer than any frame: nothing of it may remain
  m.frame(h, buffer);
  EXPECT_EQ(buffer, quickfix_text(m, h));
  h.msg_seq_num = 2;
  m.frame(h, buffer);
  EXPECT_EQ(buffer, quickfix_text(m, h));
}

TEST(WireMessage, SettingATagAgainReplacesItsValue) {
  WireMessage m("8");
  m.set(39, '0');
  m.set(151, std::string_view("5"));
  m.set(39, '8');
  m.set(151, int64_t(0));
  ASSERT_TRUE(m.get(39));
  EXPECT_EQ(*m.get(39), "8");
  EXPECT_EQ(*m.get(151), "0");
  EXPECT_FALSE(m.get(58));
  const std::string text = m.frame({"FIX.4.4", "S", "T", 1, kSendingTime, 3});
  EXPECT_EQ(text.find("39=0"), std::string::npos);
  EXPECT_NE(text.find("\x01"
                      "39=8\x01"),
            std::string::npos);
  FIX::Message q = m.to_message();
  EXPECT_EQ(q.getField(39), "8");
  EXPECT_EQ(q.getHeader().getField(FIX::FIELD::MsgType), "8");
}

}  // namespace
}  // namespace qd::fix
