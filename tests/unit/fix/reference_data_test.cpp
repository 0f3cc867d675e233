// Reference data encoding: SecurityList (y) and SecurityStatus (f) carry the market specs and
// status exactly, validate against the venue dictionary, and split long lists into fragments.
#include <gtest/gtest.h>

#include "fix/gateway.hpp"
#include "fix/reference_data_service.hpp"
#include "fix/venue_tags.hpp"
#include "tests/unit/fix/fix_test_config.hpp"

namespace qd::fix {
namespace {

/// The message as a desk receives it: framed, parsed and validated with the venue dictionary.
FIX::Message received(FIX::Message m) {
  static FIX::DataDictionary dd(default_dictionary_path());
  m.getHeader().setField(8, "FIX.4.4");
  m.getHeader().setField(49, "QUANTDESK");
  m.getHeader().setField(56, "DESK_A");
  m.getHeader().setField(34, "2");
  m.getHeader().setField(52, "20261125-10:00:00.000");
  FIX::Message parsed(m.toString(), dd, true);
  dd.validate(parsed);
  return parsed;
}

std::string in_group(const FIX::Message& m, int n, int tag) {
  FIX::Group g(std_tag::NoRelatedSym, std_tag::Symbol);
  m.getGroup(unsigned(n), g);
  return g.isSetField(tag) ? g.getField(tag) : "";
}

TEST(ReferenceData, TradingStatusCodesAreFix44Values) {
  EXPECT_EQ(security_trading_status(MarketStatus::open), 17);
  EXPECT_EQ(security_trading_status(MarketStatus::halted), 2);
  EXPECT_EQ(security_trading_status(MarketStatus::closed), 18);
}

TEST(ReferenceData, SecurityListCarriesTheSpecsAsExactDecimals) {
  MarketConfig btc = test::market(0, "BTC-PERP", 100'000, 100'000, 50'000 * PRICE_PRECISION);
  MarketConfig odd = test::market(1, "ODD-PERP", 1, 1, 1);  // 0.000001 tick, 1e-9 lot
  odd.min_size = Qty(0);                                    // default: one lot
  odd.min_notional = Quote(0);                              // none: tag absent
  odd.max_order_size = Qty(0);
  odd.max_order_notional = Quote(0);
  const auto out =
      encode_security_list("r1", "S1", {{&btc, MarketStatus::open}, {&odd, MarketStatus::halted}});
  ASSERT_EQ(out.size(), 1u);
  FIX::Message y = received(out[0]);
  EXPECT_EQ(y.getField(std_tag::SecurityReqID), "r1");
  EXPECT_EQ(y.getField(std_tag::SecurityResponseID), "S1");
  EXPECT_EQ(y.getField(std_tag::SecurityRequestResult), "0");
  EXPECT_EQ(y.getField(std_tag::TotNoRelatedSym), "2");
  EXPECT_EQ(y.getField(std_tag::LastFragment), "Y");
  EXPECT_EQ(in_group(y, 1, std_tag::Symbol), "BTC-PERP");
  EXPECT_EQ(in_group(y, 1, std_tag::SecurityType), "FUT");
  EXPECT_EQ(in_group(y, 1, std_tag::MinPriceIncrement), "0.1");
  EXPECT_EQ(in_group(y, 1, std_tag::RoundLot), "0.0001");
  EXPECT_EQ(in_group(y, 1, std_tag::MinTradeVol), "0.0001");
  EXPECT_EQ(in_group(y, 1, tag::MinNotional), "1");
  EXPECT_EQ(in_group(y, 1, tag::MaxOrderQty), "100");
  EXPECT_EQ(in_group(y, 1, tag::MaxOrderNotional), "10000000");
  EXPECT_EQ(in_group(y, 1, tag::VenueTradingStatus), "17");
  EXPECT_EQ(in_group(y, 2, std_tag::MinPriceIncrement), "0.000001");
  EXPECT_EQ(in_group(y, 2, std_tag::RoundLot), "0.000000001");
  EXPECT_EQ(in_group(y, 2, std_tag::MinTradeVol), "0.000000001");
  EXPECT_EQ(in_group(y, 2, tag::MinNotional), "");
  EXPECT_EQ(in_group(y, 2, tag::MaxOrderQty), "");
  EXPECT_EQ(in_group(y, 2, tag::VenueTradingStatus), "2");
}

TEST(ReferenceData, LongListsAreSentInFragments) {
  std::vector<MarketConfig> markets;
  for (int i = 0; i < 5; ++i)
    markets.push_back(test::market(MarketId(i), "M" + std::to_string(i) + "-PERP", 1, 1, 1));
  std::vector<SecurityListEntry> list;
  for (const MarketConfig& m : markets) list.push_back({&m, MarketStatus::open});
  const auto out = encode_security_list("r", "S", list, 0, "", 2);
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < out.size(); ++i) {
    FIX::Message y = received(out[i]);
    EXPECT_EQ(y.getField(std_tag::TotNoRelatedSym), "5");
    EXPECT_EQ(y.getField(std_tag::NoRelatedSym), i < 2 ? "2" : "1");
    EXPECT_EQ(y.getField(std_tag::LastFragment), i + 1 == out.size() ? "Y" : "N");
    EXPECT_EQ(in_group(y, 1, std_tag::Symbol), "M" + std::to_string(2 * i) + "-PERP");
  }
}

TEST(ReferenceData, AnEmptyAnswerSaysWhy) {
  const auto out = encode_security_list("r", "S", {}, 2, "unknown symbol X");
  ASSERT_EQ(out.size(), 1u);
  FIX::Message y = received(out[0]);
  EXPECT_EQ(y.getField(std_tag::SecurityRequestResult), "2");
  EXPECT_EQ(y.getField(std_tag::Text), "unknown symbol X");
  EXPECT_EQ(y.getField(std_tag::TotNoRelatedSym), "0");
  EXPECT_FALSE(y.isSetField(std_tag::NoRelatedSym));
}

TEST(ReferenceData, SecurityStatusOnRequestAndPushed) {
  const TimestampNs t = 1'795'600'000'123'456'789;
  FIX::Message asked =
      received(encode_security_status("q1", "BTC-PERP", MarketStatus::open, false, t, 6));
  EXPECT_EQ(asked.getField(std_tag::SecurityStatusReqID), "q1");
  EXPECT_EQ(asked.getField(std_tag::SecurityTradingStatus), "17");
  EXPECT_EQ(asked.getField(std_tag::UnsolicitedIndicator), "N");
  EXPECT_EQ(asked.getField(std_tag::TransactTime), "20261125-09:46:40.123456");
  FIX::Message pushed =
      received(encode_security_status("q1", "BTC-PERP", MarketStatus::halted, true, t, 3));
  EXPECT_EQ(pushed.getField(std_tag::SecurityTradingStatus), "2");
  EXPECT_EQ(pushed.getField(std_tag::UnsolicitedIndicator), "Y");
  EXPECT_EQ(pushed.getField(std_tag::Text), "halted");
  EXPECT_FALSE(received(encode_security_status("", "BTC-PERP", MarketStatus::closed, true, t, 3))
                   .isSetField(std_tag::SecurityStatusReqID));
}

}  // namespace
}  // namespace qd::fix
