// spec/FIX44-venue.xml: loads in QuickFIX, standard fields only carry FIX 4.4 values (so a desk on
// the stock FIX 4.4 dictionary never rejects the venue's messages), venue tags sit in
// 20000-39999.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "fix/gateway.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {
namespace {

struct FieldDef {
  std::string name;
  std::string type;
  std::set<std::string> values;
};

std::map<int, FieldDef> read_fields(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string xml = ss.str();
  std::map<int, FieldDef> out;
  std::regex field_re(R"re(<field number="(\d+)" name="(\w+)" type="(\w+)"(/?)>)re");
  std::regex value_re(R"re(<value enum="([^"]+)")re");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), field_re);
       it != std::sregex_iterator(); ++it) {
    FieldDef f{(*it)[2], (*it)[3], {}};
    if ((*it)[4] != "/") {
      size_t start = size_t(it->position() + it->length());
      size_t end = xml.find("</field>", start);
      std::string body = xml.substr(start, end - start);
      for (auto v = std::sregex_iterator(body.begin(), body.end(), value_re);
           v != std::sregex_iterator(); ++v)
        f.values.insert((*v)[1]);
    }
    out[std::stoi((*it)[1])] = f;
  }
  return out;
}

std::set<std::string> range(int from, int to) {
  std::set<std::string> s;
  for (int i = from; i <= to; ++i) s.insert(std::to_string(i));
  return s;
}
std::set<std::string> chars(const std::string& c) {
  std::set<std::string> s;
  for (char x : c) s.insert(std::string(1, x));
  return s;
}
std::set<std::string> join(std::set<std::string> a, const std::set<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

/// The values FIX 4.4 defines for the enumerated standard fields the venue uses.
std::map<int, std::set<std::string>> fix44_values() {
  return {
      {13, chars("123456")},                                     // CommType
      {18, chars("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcde")},  // ExecInst
      {21, chars("123")},                                        // HandlInst
      {35, {"0", "1", "2", "3", "4", "5", "8", "9", "A", "D", "F", "G", "H", "j", "q", "r", "AF", "AE",
            "x", "y", "e", "f", "AN", "AO", "AP", "BA", "BB", "BG", "V", "W", "X", "Y"}},
      {39, chars("0123456789ABCDE")},                          // OrdStatus
      {40, chars("123456789ABCDEFGHIJKLMP")},                  // OrdType
      {54, chars("123456789ABCDEFG")},                         // Side
      {59, chars("01234567")},                                 // TimeInForce
      {98, range(0, 6)},                                       // EncryptMethod
      {102, join(range(0, 6), {"99"})},                        // CxlRejReason
      {103, join(join(range(0, 11), range(13, 15)), {"99"})},  // OrdRejReason
      {150, chars("03456789ABCDEFGHI")},                       // ExecType
      {373, join(range(0, 17), {"99"})},                       // SessionRejectReason
      {378, join(range(0, 10), {"99"})},                       // ExecRestatementReason
      {380, range(0, 7)},                                      // BusinessRejectReason
      {434, chars("12")},                                      // CxlRejResponseTo
      {530, chars("1234567")},                                 // MassCancelRequestType
      {531, chars("01234567")},                                // MassCancelResponse
      {532, chars("0123456")},                                 // MassCancelRejectReason (char)
      {585, range(1, 8)},                                      // MassStatusReqType
      {851, range(1, 3)},                                      // LastLiquidityInd
      // Market data.
      {265, range(0, 1)},          // MDUpdateType
      {279, chars("012")},         // MDUpdateAction
      {281, chars("0123456789ABC")},  // MDReqRejReason
      // Reference data and account reports.
      {167, {"FUT", "OPT", "CS", "PS", "MLEG", "NONE"}},  // SecurityType (the ones near ours)
      {263, chars("012")},                                // SubscriptionRequestType
      {326, range(1, 23)},                                // SecurityTradingStatus
      {559, range(0, 4)},                                 // SecurityListRequestType
      {560, range(0, 5)},                                 // SecurityRequestResult
      {581, {"1", "2", "3", "6", "7", "8"}},              // AccountType
      {703, {"ALC", "AS", "ASF", "DLV", "ETR", "EX", "FIN", "IAS", "IES", "PA", "PTR", "TA", "TOT",
             "TQ", "TRF", "SOD", "SPL", "XM"}},            // PosType
      {724, range(0, 3)},                                 // PosReqType
      {728, join(range(0, 4), {"99"})},                   // PosReqResult
      {729, range(0, 2)},                                 // PosReqStatus
      {731, range(1, 2)},                                 // SettlPriceType
      {910, range(0, 4)},                                 // CollStatus
      {945, range(0, 4)},                                 // CollInquiryStatus
      {946, join(range(0, 8), {"99"})},                   // CollInquiryResult
  };
}

TEST(Dictionary, LoadsInQuickFix) {
  FIX::DataDictionary dd;
  ASSERT_NO_THROW(dd.readFromURL(default_dictionary_path()));
  for (const char* t : {"D", "F", "G", "H", "q", "r", "AF", "8", "9", "j", "A", "5", "3"})
    EXPECT_TRUE(dd.isMsgType(t)) << t;
  for (const char* t : {"V", "W", "X", "Y"}) EXPECT_TRUE(dd.isMsgType(t)) << t;
}

TEST(Dictionary, StandardFieldsCarryOnlyFix44Values) {
  std::map<int, FieldDef> fields = read_fields(default_dictionary_path());
  ASSERT_GT(fields.size(), 90u);
  std::map<int, std::set<std::string>> fix44 = fix44_values();
  for (const auto& [tag, def] : fields) {
    if (tag >= 5000) continue;
    if (def.values.empty()) continue;
    ASSERT_TRUE(fix44.count(tag)) << "no FIX 4.4 value list for enumerated tag " << tag;
    for (const std::string& v : def.values)
      EXPECT_TRUE(fix44[tag].count(v)) << def.name << " (" << tag << ") value " << v;
  }
}

TEST(Dictionary, VenueTagsAreInTheUserDefinedRangeAndMatchTheCode) {
  std::map<int, FieldDef> fields = read_fields(default_dictionary_path());
  for (const auto& [tag, def] : fields) {
    if (tag < 5000) continue;
    EXPECT_GE(tag, 20000) << def.name;
    EXPECT_LE(tag, 39999) << def.name;
  }
  EXPECT_EQ(fields[tag::CancelCause].name, "CancelCause");
  EXPECT_EQ(fields[tag::SelfTradePreventionMode].name, "SelfTradePreventionMode");
  EXPECT_EQ(fields[tag::VenueRejectCode].name, "VenueRejectCode");
  EXPECT_EQ(fields[tag::PriorityKept].name, "PriorityKept");
  EXPECT_EQ(fields[tag::TradeID].name, "TradeID");
  EXPECT_EQ(fields[tag::ThrottleRemaining].name, "ThrottleRemaining");
  EXPECT_EQ(fields[tag::ThrottleRefillMs].name, "ThrottleRefillMs");
  EXPECT_EQ(fields[tag::VenueInitiated].name, "VenueInitiated");
  EXPECT_EQ(fields[tag::AggressorSide].name, "AggressorSide");
  EXPECT_EQ(fields[tag::SettlementBatchID].name, "SettlementBatchID");
  EXPECT_EQ(fields[tag::SettlementTxSignature].name, "SettlementTxSignature");
  EXPECT_EQ(fields[tag::SettlementMerkleProof].name, "SettlementMerkleProof");
  EXPECT_EQ(fields[tag::SettlementLeafIndex].name, "SettlementLeafIndex");
  EXPECT_EQ(fields[tag::SettlementLeafCount].name, "SettlementLeafCount");
  EXPECT_EQ(fields[tag::SettlementMerkleRoot].name, "SettlementMerkleRoot");
  EXPECT_EQ(fields[tag::SettlementFillBytes].name, "SettlementFillBytes");
  EXPECT_EQ(fields[tag::SettlementSideStatus].name, "SettlementSideStatus");
  // Every cancel cause the code can send is a value the dictionary lists.
  for (int r = 0; r < 256; ++r) {
    if (std::string(to_string(CancelReason(r))) == "unknown") continue;
    EXPECT_TRUE(
        fields[tag::CancelCause].values.count(std::to_string(cancel_cause_code(CancelReason(r)))))
        << to_string(CancelReason(r));
  }
  for (char c : std::string("NRABD"))
    EXPECT_TRUE(fields[tag::SelfTradePreventionMode].values.count(std::string(1, c)));
}

}  // namespace
}  // namespace qd::fix
