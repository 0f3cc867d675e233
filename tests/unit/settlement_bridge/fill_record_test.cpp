// Fill bytes: the exact layout of spec/SETTLEMENT.md (golden hex), the round trip, and what a
// parser refuses.

#include <gtest/gtest.h>

#include "settlement/bridge/fill_record.hpp"
#include "settlement/solana/merkle.hpp"
#include "settlement/solana/sha256.hpp"

namespace qd::settlement {
namespace {

SettlementFill sample() {
  SettlementFill f;
  f.trade_id = {0x0102030405060708, 0x0A0B0C0D};
  f.market = 2;
  f.maker_order = 77;
  f.maker_account = 3;
  f.taker_order = 0x1122334455667788;
  f.taker_account = 0xFFFFFFFE;
  f.aggressor_side = Side::sell;
  f.price = Price(50'000 * PRICE_PRECISION);  // $50,000
  f.qty = Qty(-1);                            // any i64 is encoded as its two's complement
  return f;
}

TEST(FillBytes, LayoutIsFixedWidthLittleEndian) {
  const FillBytes b = fill_bytes(sample());
  EXPECT_EQ(solana::to_hex(b),
            "01"                  // version
            "0807060504030201"    // trade seq
            "0d0c0b0a"            // trade index
            "02000000"            // market
            "4d00000000000000"    // maker order 77
            "03000000"            // maker account
            "8877665544332211"    // taker order
            "feffffff"            // taker account
            "02"                  // aggressor: sell
            "00743ba40b000000"    // price 50,000,000,000 (1e-6)
            "ffffffffffffffff");  // qty -1
}

TEST(FillBytes, RoundTripsAndRefusesOtherInput) {
  const FillBytes b = fill_bytes(sample());
  EXPECT_EQ(parse_fill_bytes(b), sample());
  FillBytes wrong = b;
  wrong[0] = 2;
  EXPECT_FALSE(parse_fill_bytes(wrong));  // unknown version
  wrong = b;
  wrong[41] = 3;
  EXPECT_FALSE(parse_fill_bytes(wrong));  // side neither 1 nor 2
  EXPECT_FALSE(parse_fill_bytes(std::span(b).first(57)));
}

TEST(FillBytes, ComesFromTheMakerSideOfTheTrade) {
  OrderFilled m;
  m.order.order_id = 10;
  m.order.origin.account = 4;
  m.order.market = 1;
  m.trade_id = {99, 1};
  m.counterparty_order_id = 12;
  m.counterparty_account = 5;
  m.aggressor_side = Side::buy;
  m.last_price = Price(123);
  m.last_qty = Qty(456);
  m.liquidity = Liquidity::maker;
  const SettlementFill f = fill_from_maker_event(m);
  EXPECT_EQ(f.maker_order, 10u);
  EXPECT_EQ(f.maker_account, 4u);
  EXPECT_EQ(f.taker_order, 12u);
  EXPECT_EQ(f.taker_account, 5u);
  EXPECT_EQ(f.market, 1u);
  EXPECT_EQ(f.trade_id, (TradeId{99, 1}));
  EXPECT_EQ(f.price.raw, 123);
  EXPECT_EQ(f.qty.raw, 456);
  const FillBytes b = fill_bytes(f);
  EXPECT_EQ(fill_leaf(f), solana::merkle_leaf_hash(b));
}

}  // namespace
}  // namespace qd::settlement
