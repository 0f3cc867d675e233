// The outbox's netting model: deposits move the baseline, every other collateral change is a
// flow; the insurance fund is the vault's; a batch nets flows to one amount per account; a
// quarantined account carries its amount. Then the invariant against the real engine: for every
// account after every command, collateral == baseline + settled + unsettled.

#include <gtest/gtest.h>

#include <random>

#include "engine/exchange.hpp"
#include "risk/account.hpp"
#include "settlement/bridge/outbox.hpp"

namespace qd::settlement {
namespace {

constexpr int64_t USDC = QUOTE_PRECISION;

Event ev(SeqNo seq, uint32_t idx, EventBody body) {
  return Event{seq, idx, 1000 * TimestampNs(seq), std::move(body)};
}

OrderFilled fill(AccountId account, AccountId counterparty, Liquidity liq, int64_t collateral_after,
                 SeqNo trade_seq) {
  OrderFilled f;
  f.order.origin.account = account;
  f.counterparty_account = counterparty;
  f.liquidity = liq;
  f.collateral_after = Quote(collateral_after);
  f.trade_id = {trade_seq, 0};
  f.last_price = Price(50'000 * PRICE_PRECISION);
  f.last_qty = Qty(QTY_PRECISION);
  return f;
}

auto all = [](AccountId) { return true; };

TEST(Outbox, DepositsMoveTheBaselineAndAreNotSettled) {
  Outbox o;
  o.apply(
      ev(1, 0,
         CollateralChanged{1, Quote(1000 * USDC), Quote(1000 * USDC), CollateralReason::deposit}));
  o.apply(ev(
      2, 0,
      CollateralChanged{1, Quote(-300 * USDC), Quote(700 * USDC), CollateralReason::withdrawal}));
  EXPECT_FALSE(o.has_open_flows());
  EXPECT_EQ(o.accounts().at(1), (AccountLedger{Quote(700 * USDC), Quote(700 * USDC), Quote(0)}));
  o.checkpoint();
  EXPECT_EQ(o.cursor(), 2u);
}

TEST(Outbox, FillsFeesFundingAndLiquidationsNetToOneAmountPerAccount) {
  Outbox o;
  o.apply(
      ev(1, 0,
         CollateralChanged{1, Quote(1000 * USDC), Quote(1000 * USDC), CollateralReason::deposit}));
  o.apply(
      ev(2, 0,
         CollateralChanged{2, Quote(1000 * USDC), Quote(1000 * USDC), CollateralReason::deposit}));
  // A trade: the maker (2) earns a $1 rebate, the taker (1) pays $5.
  o.apply(ev(3, 0, fill(2, 1, Liquidity::maker, 1001 * USDC, 3)));
  o.apply(ev(3, 1, fill(1, 2, Liquidity::taker, 995 * USDC, 3)));
  // Funding: 1 pays $2, 2 receives $2.
  o.apply(ev(4, 0, FundingPaid{0, 1, Qty(0), Quote(2 * USDC), Quote(993 * USDC)}));
  o.apply(ev(4, 1, FundingPaid{0, 2, Qty(0), Quote(-2 * USDC), Quote(1003 * USDC)}));
  // The insurance fund's own movements stay in the vault.
  o.apply(ev(5, 0,
             CollateralChanged{risk::INSURANCE_FUND_ACCOUNT, Quote(50 * USDC), Quote(50 * USDC),
                               CollateralReason::deposit}));
  EXPECT_TRUE(o.has_open_flows());
  EXPECT_EQ(o.open_fills(), 1u);
  EXPECT_EQ(o.open_first_ts(), 3000);
  const ClosedBatch b = o.close(all);
  EXPECT_EQ(b.from_seq, 0u);
  EXPECT_EQ(b.to_seq, 5u);
  ASSERT_EQ(b.fills.size(), 1u);
  EXPECT_EQ(b.fills[0].maker_account, 2u);
  EXPECT_EQ(b.fills[0].taker_account, 1u);
  ASSERT_EQ(b.transfers.size(), 2u);
  EXPECT_EQ(b.transfers[0], (NetTransfer{1, Quote(-7 * USDC)}));
  EXPECT_EQ(b.transfers[1], (NetTransfer{2, Quote(3 * USDC)}));
  EXPECT_EQ(o.accounts().count(risk::INSURANCE_FUND_ACCOUNT), 0u);
  EXPECT_FALSE(o.has_open_flows());
  EXPECT_EQ(o.cursor(), 5u);
  EXPECT_EQ(o.accounts().at(1).unsettled.raw, 0);
}

TEST(Outbox, TakeoversAdlAndDeficitResetsAreFlows) {
  Outbox o;
  for (AccountId a : {1u, 2u})
    o.apply(
        ev(a, 0,
           CollateralChanged{a, Quote(100 * USDC), Quote(100 * USDC), CollateralReason::deposit}));
  InsuranceTakeover t;
  t.account = 1;
  t.account_collateral_after = Quote(-20 * USDC);
  t.fund_collateral_after = Quote(500 * USDC);
  o.apply(ev(3, 0, t));
  AutoDeleveraged adl;
  adl.account = 1;
  adl.counterparty = 2;
  adl.counterparty_collateral_after = Quote(130 * USDC);
  adl.account_collateral_after = Quote(-20 * USDC);
  o.apply(ev(3, 1, adl));
  o.apply(ev(3, 2, DeficitCovered{1, Quote(20 * USDC), Quote(20 * USDC), Quote(0)}));
  const ClosedBatch b = o.close(all);
  ASSERT_EQ(b.transfers.size(), 2u);
  EXPECT_EQ(b.transfers[0], (NetTransfer{1, Quote(-100 * USDC)}));  // from 100 to 0 after reset
  EXPECT_EQ(b.transfers[1], (NetTransfer{2, Quote(30 * USDC)}));
  EXPECT_TRUE(b.fills.empty());
}

TEST(Outbox, AQuarantinedAccountCarriesItsAmountToALaterBatch) {
  Outbox o;
  o.apply(ev(
      1, 0, CollateralChanged{1, Quote(100 * USDC), Quote(100 * USDC), CollateralReason::deposit}));
  o.apply(ev(2, 0, fill(1, 2, Liquidity::taker, 90 * USDC, 2)));
  o.apply(ev(2, 1, fill(2, 1, Liquidity::maker, 10 * USDC, 2)));
  auto not_1 = [](AccountId a) { return a != 1; };
  ClosedBatch b = o.close(not_1);
  ASSERT_EQ(b.transfers.size(), 1u);
  EXPECT_EQ(b.transfers[0].account, 2u);
  EXPECT_EQ(o.accounts().at(1).unsettled.raw, -10 * USDC);
  EXPECT_TRUE(o.has_settleable(all));
  EXPECT_FALSE(o.has_settleable(not_1));
  // A transfer that failed on chain comes back too, and both settle together later.
  o.return_unsettled(2, Quote(10 * USDC));
  o.apply(ev(3, 0, fill(1, 2, Liquidity::taker, 85 * USDC, 3)));
  b = o.close(all);
  ASSERT_EQ(b.transfers.size(), 2u);
  EXPECT_EQ(b.transfers[0], (NetTransfer{1, Quote(-15 * USDC)}));
  EXPECT_EQ(b.transfers[1], (NetTransfer{2, Quote(10 * USDC)}));
}

TEST(Outbox, IgnoresEventsAtOrBeforeTheCursor) {
  Outbox o(10, {});
  EXPECT_FALSE(o.apply(ev(10, 0, fill(1, 2, Liquidity::maker, 5, 10))));
  EXPECT_TRUE(o.apply(ev(11, 0, fill(1, 2, Liquidity::maker, 5, 11))));
  EXPECT_EQ(o.read_seq(), 11u);
  o.advance_to(20);
  EXPECT_EQ(o.read_seq(), 20u);
  EXPECT_EQ(o.close(all).to_seq, 20u);
}

// The real engine with the margin core, random orders from four accounts around a drifting
// oracle with funding ticks: after every command each account's collateral is its baseline plus
// what batches took plus what is still unsettled. (Settled amounts move money only through
// batches, so nothing is lost or counted twice.)
TEST(Outbox, NetsTheRealEngineExactly) {
  ExchangeSpec spec;
  MarketSpec m;
  m.symbol = "BTC-PERP";
  m.tick_size = Price(PRICE_PRECISION);
  m.lot_size = Qty(QTY_PRECISION / 1000);
  m.min_size = m.lot_size;
  m.price_band_bps = 2000;
  spec.markets = {m};
  risk::MarketRiskParams p;
  p.funding.interval_ns = 60'000'000'000;
  spec.risk = {p};
  for (AccountId a = 1; a <= 4; ++a)
    spec.accounts.push_back(AccountSpec{a, StpMode::cancel_resting, 0, 1000, true});
  Exchange ex(spec);
  Outbox o;
  std::map<AccountId, Quote> settled;
  SeqNo seq = 0;
  TimestampNs now = 1'800'000'000'000'000'000;
  std::mt19937 rng(7);
  auto run = [&](CommandBody body) {
    std::vector<Event> out;
    ex.process(Command{++seq, now, std::move(body)}, out);
    for (const Event& e : out) o.apply(e);
  };
  for (AccountId a = 1; a <= 4; ++a) run(Deposit{a, Quote(20'000 * USDC)});
  int64_t px = 50'000;
  size_t fills = 0;
  for (int i = 0; i < 600; ++i) {
    now += 1'000'000'000;
    if (i % 10 == 0) {
      px += int64_t(rng() % 401) - 200;
      run(SetOraclePrice{0, Price(px * PRICE_PRECISION), Price(0), now, false});
    }
    if (i % 50 == 0) run(ClockTick{});
    NewOrder no;
    const AccountId a = AccountId(1 + rng() % 4);
    no.origin = {a, a};
    no.client_id.assign("c" + std::to_string(i));
    no.side = rng() % 2 ? Side::buy : Side::sell;
    no.price = Price((px + int64_t(rng() % 41) - 20) * PRICE_PRECISION);
    no.qty = Qty(int64_t(1 + rng() % 200) * (QTY_PRECISION / 1000));
    run(no);
    fills = std::max(fills, o.open_fills());
    if (rng() % 7 == 0) {
      for (const NetTransfer& t : o.close(all).transfers) settled[t.account] += t.amount;
    }
    for (AccountId acc = 1; acc <= 4; ++acc) {
      const AccountLedger& l = o.accounts().at(acc);
      EXPECT_EQ(ex.risk()->account(acc)->collateral, l.baseline + settled[acc] + l.unsettled)
          << "account " << acc << " after command " << seq;
      EXPECT_EQ(l.last_collateral, ex.risk()->account(acc)->collateral);
    }
  }
  EXPECT_GT(fills, 0u);  // the session traded
}

}  // namespace
}  // namespace qd::settlement
