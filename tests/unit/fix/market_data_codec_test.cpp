// Market data codec: MarketDataRequest checks, level diffs (top N), W/X/Y encoding.
#include "fix/market_data_codec.hpp"

#include <gtest/gtest.h>

#include "fix/venue_tags.hpp"
#include "tests/unit/fix/fix_test_config.hpp"

namespace qd::fix {
namespace {

namespace f = FIX::FIELD;

std::vector<MarketConfig> markets() {
  return {test::market(0, "BTC-PERP", 100'000, 100'000, 50'000 * PRICE_PRECISION),
          test::market(1, "ETH-PERP", 10'000, 1'000'000, 3'000 * PRICE_PRECISION)};
}

FIX::Message request(const std::string& id, char type, const std::string& depth,
                     const std::vector<std::string>& entry_types,
                     const std::vector<std::string>& symbols) {
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType("V"));
  m.setField(f::MDReqID, id);
  m.setField(f::SubscriptionRequestType, std::string(1, type));
  if (!depth.empty()) m.setField(f::MarketDepth, depth);
  for (const std::string& t : entry_types) {
    FIX::Group g(f::NoMDEntryTypes, f::MDEntryType);
    g.setField(f::MDEntryType, t);
    m.addGroup(g);
  }
  for (const std::string& s : symbols) {
    FIX::Group g(f::NoRelatedSym, f::Symbol);
    g.setField(f::Symbol, s);
    m.addGroup(g);
  }
  return m;
}

MdRejection rejected(const FIX::Message& m, uint32_t max_depth = 0) {
  auto d = decode_md_request(m, markets(), max_depth);
  EXPECT_TRUE(std::holds_alternative<MdRejection>(d));
  return std::holds_alternative<MdRejection>(d) ? std::get<MdRejection>(d) : MdRejection{};
}

TEST(MarketDataCodec, DecodesASubscription) {
  auto d = decode_md_request(
      request("r1", '1', "5", {"0", "1", "2", "3", "C", "m", "f"}, {"ETH-PERP", "BTC-PERP"}),
      markets(), 0);
  ASSERT_TRUE(std::holds_alternative<MdRequest>(d));
  const MdRequest& r = std::get<MdRequest>(d);
  EXPECT_EQ(r.req_id, "r1");
  EXPECT_EQ(r.type, MdSubscription::subscribe);
  EXPECT_EQ(r.depth, 5u);
  EXPECT_EQ(r.markets, (std::vector<MarketId>{1, 0}));
  for (int i = 0; i < kMdEntryKinds; ++i) EXPECT_TRUE(r.entries.has(MdEntry(i)));
}

TEST(MarketDataCodec, RefusesWithTheFixReason) {
  EXPECT_EQ(rejected(request("r", '1', "0", {"0"}, {"DOGE-PERP"})).reason,
            md_reject::unknown_symbol);
  MdRejection opening = rejected(request("r", '1', "0", {"0", "4"}, {"BTC-PERP"}));
  EXPECT_EQ(opening.reason, md_reject::unsupported_entry_type);
  EXPECT_NE(opening.text.find("269"), std::string::npos);
  EXPECT_EQ(rejected(request("r", '5', "0", {"0"}, {"BTC-PERP"})).reason,
            md_reject::unsupported_subscription_type);
  EXPECT_EQ(rejected(request("r", '1', "-1", {"0"}, {"BTC-PERP"})).reason,
            md_reject::unsupported_depth);
  // A capped venue: 10 levels at most, so the full book (0) and 11 are refused, 10 is fine.
  EXPECT_EQ(rejected(request("r", '1', "0", {"0"}, {"BTC-PERP"}), 10).reason,
            md_reject::unsupported_depth);
  EXPECT_EQ(rejected(request("r", '1', "11", {"0"}, {"BTC-PERP"}), 10).reason,
            md_reject::unsupported_depth);
  EXPECT_TRUE(std::holds_alternative<MdRequest>(
      decode_md_request(request("r", '1', "10", {"0"}, {"BTC-PERP"}), markets(), 10)));
  FIX::Message full = request("r", '1', "0", {"0"}, {"BTC-PERP"});
  full.setField(f::MDUpdateType, "0");
  EXPECT_EQ(rejected(full).reason, md_reject::unsupported_update_type);
  FIX::Message unagg = request("r", '1', "0", {"0"}, {"BTC-PERP"});
  unagg.setField(f::AggregatedBook, "N");
  EXPECT_EQ(rejected(unagg).reason, md_reject::unsupported_aggregated_book);
  EXPECT_FALSE(rejected(request("r", '1', "0", {}, {"BTC-PERP"})).reason.has_value());
  EXPECT_FALSE(rejected(request("r", '1', "0", {"0"}, {})).reason.has_value());
}

TEST(MarketDataCodec, UnsubscribeNeedsOnlyTheRequestId) {
  auto d = decode_md_request(request("r9", '2', "", {}, {}), markets(), 0);
  ASSERT_TRUE(std::holds_alternative<MdRequest>(d));
  EXPECT_EQ(std::get<MdRequest>(d).type, MdSubscription::unsubscribe);
}

DepthLevel lv(int64_t px, int64_t qty, uint32_t n = 1) {
  return DepthLevel{Price(px * PRICE_PRECISION), Qty(qty * QTY_PRECISION), n};
}

MdEntryMask book_mask() {
  MdEntryMask m;
  m.add(MdEntry::bid);
  m.add(MdEntry::offer);
  return m;
}

TEST(MarketDataCodec, TopNDiffPushesLevelsOutAndBackIn) {
  MarketImage img;
  img.bids = {lv(100, 1), lv(99, 2), lv(98, 3)};
  MdView view;
  std::vector<MdEntryOut> snap = snapshot_entries(0, img, book_mask(), 2, view);
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(view.bids, (std::vector<DepthLevel>{lv(100, 1), lv(99, 2)}));

  // A better bid arrives: 99 falls out of the top 2.
  img.bids.insert(img.bids.begin(), lv(101, 4));
  std::vector<MdEntryOut> d = diff_entries(0, img, book_mask(), 2, view);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].action, MdAction::del);
  EXPECT_EQ(d[0].price, Price(99 * PRICE_PRECISION));
  EXPECT_FALSE(d[0].size.has_value());
  EXPECT_EQ(d[1].action, MdAction::new_);
  EXPECT_EQ(d[1].price, Price(101 * PRICE_PRECISION));

  // 101 goes away and 100 changes size: 99 comes back.
  img.bids = {lv(100, 5, 2), lv(99, 2), lv(98, 3)};
  d = diff_entries(0, img, book_mask(), 2, view);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].action, MdAction::del);
  EXPECT_EQ(d[1].action, MdAction::change);
  EXPECT_EQ(d[1].size, Qty(5 * QTY_PRECISION));
  EXPECT_EQ(d[1].orders, 2u);
  EXPECT_EQ(d[2].action, MdAction::new_);
  EXPECT_EQ(d[2].price, Price(99 * PRICE_PRECISION));
  EXPECT_TRUE(diff_entries(0, img, book_mask(), 2, view).empty());
}

TEST(MarketDataCodec, StatisticsAreNewOnceThenChanges) {
  MdEntryMask mask;
  mask.add(MdEntry::mark);
  mask.add(MdEntry::index);
  mask.add(MdEntry::bid);  // asked, but nothing on the book
  MarketImage img;
  MdView view;
  EXPECT_TRUE(snapshot_entries(0, img, mask, 0, view).empty());
  img.stats.mark = Price(50'000 * PRICE_PRECISION);
  std::vector<MdEntryOut> d = diff_entries(0, img, mask, 0, view);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].type, MdEntry::mark);
  EXPECT_EQ(d[0].action, MdAction::new_);
  img.stats.mark = Price(50'001 * PRICE_PRECISION);
  img.stats.funding_rate = 5;  // not asked for
  d = diff_entries(0, img, mask, 0, view);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].action, MdAction::change);
}

TEST(MarketDataCodec, EncodesExactDecimalsAndVenueFields) {
  MdEntryOut fund;
  fund.type = MdEntry::funding;
  fund.rate = -125;  // 1e-9
  fund.ts = 1'700'000'000'123'456'789;
  DepthTrade t{0, TradeId{42, 3}, Price(50'000'100'000), Qty(1'500'000), Side::sell, 0};
  MdEntryOut oi;
  oi.action = MdAction::change;
  oi.type = MdEntry::open_interest;
  oi.size = Qty(12'000'000'001);
  FIX::Message x = encode_md_incremental("sub-1", {fund, trade_entry(t), oi}, markets());
  EXPECT_EQ(x.getHeader().getField(f::MsgType), "X");
  EXPECT_EQ(x.getField(f::MDReqID), "sub-1");
  ASSERT_EQ(x.groupCount(f::NoMDEntries), 3u);
  FIX::Group g(f::NoMDEntries, f::MDUpdateAction);
  x.getGroup(1, g);
  EXPECT_EQ(g.getField(f::MDEntryType), "f");
  EXPECT_EQ(g.getField(f::MDEntryPx), "-0.000000125");
  EXPECT_EQ(g.getField(f::MDEntryDate), "20231114");
  EXPECT_EQ(g.getField(f::MDEntryTime), "22:13:20.123456");
  x.getGroup(2, g);
  EXPECT_EQ(g.getField(f::MDUpdateAction), "0");
  EXPECT_EQ(g.getField(f::MDEntryType), "2");
  EXPECT_EQ(g.getField(f::Symbol), "BTC-PERP");
  EXPECT_EQ(g.getField(f::MDEntryPx), "50000.1");
  EXPECT_EQ(g.getField(f::MDEntrySize), "0.0015");
  EXPECT_EQ(g.getField(tag::TradeID), "42.3");
  EXPECT_EQ(g.getField(tag::AggressorSide), "2");
  x.getGroup(3, g);
  EXPECT_EQ(g.getField(f::MDUpdateAction), "1");
  EXPECT_EQ(g.getField(f::MDEntryType), "C");
  EXPECT_EQ(g.getField(f::MDEntrySize), "12.000000001");

  FIX::Message w = encode_md_snapshot("s", "ETH-PERP", {});
  EXPECT_EQ(w.getHeader().getField(f::MsgType), "W");
  EXPECT_EQ(w.getField(f::Symbol), "ETH-PERP");
  EXPECT_EQ(w.groupCount(f::NoMDEntries), 0u);

  FIX::Message y =
      encode_md_reject(MdRejection{"q", md_reject::unknown_symbol, "unknown symbol X"});
  EXPECT_EQ(y.getHeader().getField(f::MsgType), "Y");
  EXPECT_EQ(y.getField(f::MDReqRejReason), "0");
  EXPECT_EQ(y.getField(f::Text), "unknown symbol X");
}

}  // namespace
}  // namespace qd::fix
