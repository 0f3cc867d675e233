// Account report encoding: PositionReport (AP), RequestForPositionsAck (AO), CollateralReport
// (BA) and CollateralInquiryAck (BG) carry the snapshot's fixed-point values as exact decimals,
// signed where they may be negative, and validate against the venue dictionary.
#include <gtest/gtest.h>

#include "fix/account_report_encoder.hpp"
#include "fix/gateway.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {
namespace {

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

std::string get(const FIX::Message& m, int tag) {
  return m.isSetField(tag) ? m.getField(tag) : "";
}

std::string position_field(const FIX::Message& m, int tag) {
  FIX::Group g(std_tag::NoPositions, std_tag::PosType);
  m.getGroup(1, g);
  return g.isSetField(tag) ? g.getField(tag) : "";
}

constexpr TimestampNs kNow = 1'795'600'000'000'000'000;  // 2026-11-25 09:46:40 UTC

ReportHeader header(bool unsolicited = false) {
  ReportHeader h;
  h.report_id = "P1-7";
  h.request_id = "req";
  h.subscription = '1';
  h.total = 3;
  h.unsolicited = unsolicited;
  h.now = kNow;
  h.timestamp_digits = 3;
  return h;
}

TEST(AccountReportEncoder, BusinessDateIsTheUtcDate) {
  EXPECT_EQ(utc_business_date(kNow), "20261125");
  EXPECT_EQ(utc_business_date(0), "19700101");
  EXPECT_EQ(utc_business_date(86'399'999'999'999), "19700101");  // last ns of the day
}

TEST(AccountReportEncoder, ShortPositionWithLossAndFundingReceived) {
  PositionSnapshot p;
  p.market = 0;
  p.base = Qty(-1'500'000'000);                 // short 1.5 BTC
  p.entry_price = Price(50'000'500'000);        // 50000.5
  p.mark = Price(50'010'000'000);               // 50010
  p.unrealized_pnl = Quote(-14'250'000);        // -1.5 x 9.5 = -14.25 USDC
  p.realized_pnl = Quote(1'000'001);            // 1.000001
  p.notional = Quote(75'015'000'000);           // 75015
  p.initial_margin = Quote(7'501'500'000);      // 10%
  p.maintenance_margin = Quote(3'750'750'000);  // 5%
  p.liquidation_price = Price(700'000'000'000);
  FIX::Message ap =
      received(encode_position_report(header(), "DESK-A", "BTC-PERP", p, Quote(-174)));  // received
  EXPECT_EQ(get(ap, std_tag::PosMaintRptID), "P1-7");
  EXPECT_EQ(get(ap, std_tag::PosReqID), "req");
  EXPECT_EQ(get(ap, std_tag::PosReqResult), "0");
  EXPECT_EQ(get(ap, std_tag::TotalNumPosReports), "3");
  EXPECT_EQ(get(ap, std_tag::SubscriptionRequestType), "1");
  EXPECT_EQ(get(ap, std_tag::UnsolicitedIndicator), "N");
  EXPECT_EQ(get(ap, std_tag::ClearingBusinessDate), "20261125");
  EXPECT_EQ(get(ap, std_tag::Account), "DESK-A");
  EXPECT_EQ(get(ap, std_tag::AccountType), "1");
  EXPECT_EQ(get(ap, std_tag::Symbol), "BTC-PERP");
  EXPECT_EQ(get(ap, std_tag::SettlPrice), "50010");
  EXPECT_EQ(get(ap, std_tag::SettlPriceType), "2");
  EXPECT_EQ(get(ap, std_tag::PriorSettlPrice), "50010");
  EXPECT_EQ(position_field(ap, std_tag::PosType), "TOT");
  EXPECT_EQ(position_field(ap, std_tag::LongQty), "0");
  EXPECT_EQ(position_field(ap, std_tag::ShortQty), "1.5");
  EXPECT_EQ(get(ap, tag::EntryPrice), "50000.5");
  EXPECT_EQ(get(ap, tag::UnrealizedPnL), "-14.25");
  EXPECT_EQ(get(ap, tag::RealizedPnL), "1.000001");
  EXPECT_EQ(get(ap, tag::PositionNotional), "75015");
  EXPECT_EQ(get(ap, tag::InitialMargin), "7501.5");
  EXPECT_EQ(get(ap, tag::MaintenanceMargin), "3750.75");
  EXPECT_EQ(get(ap, tag::FundingPaid), "-0.000174");
  EXPECT_EQ(get(ap, tag::LiquidationPrice), "700000");
  EXPECT_EQ(get(ap, std_tag::TransactTime), "20261125-09:46:40.000");
}

TEST(AccountReportEncoder, FlatPositionHasNoLiquidationPrice) {
  PositionSnapshot p;
  p.realized_pnl = Quote(-2'000'000);
  FIX::Message ap =
      received(encode_position_report(header(true), "DESK-B", "ETH-PERP", p, Quote(0)));
  EXPECT_EQ(position_field(ap, std_tag::LongQty), "0");
  EXPECT_EQ(position_field(ap, std_tag::ShortQty), "0");
  EXPECT_EQ(get(ap, tag::RealizedPnL), "-2");
  EXPECT_EQ(get(ap, tag::LiquidationPrice), "");
  EXPECT_EQ(get(ap, std_tag::UnsolicitedIndicator), "Y");
}

TEST(AccountReportEncoder, PositionsAckAcceptsOrRejects) {
  FIX::Message ok = received(encode_positions_ack(header(), "DESK-A", PosReqResult::valid));
  EXPECT_EQ(get(ok, std_tag::PosReqResult), "0");
  EXPECT_EQ(get(ok, std_tag::PosReqStatus), "0");
  EXPECT_EQ(get(ok, std_tag::TotalNumPosReports), "3");
  FIX::Message none =
      received(encode_positions_ack(header(), "DESK-A", PosReqResult::no_positions));
  EXPECT_EQ(get(none, std_tag::PosReqResult), "2");
  EXPECT_EQ(get(none, std_tag::PosReqStatus), "0");
  FIX::Message no = received(encode_positions_ack(header(), "DESK-B", PosReqResult::not_authorized,
                                                  "session may not act for account DESK-B"));
  EXPECT_EQ(get(no, std_tag::PosReqResult), "3");
  EXPECT_EQ(get(no, std_tag::PosReqStatus), "2");
  EXPECT_EQ(get(no, std_tag::TotalNumPosReports), "0");
  EXPECT_EQ(get(no, std_tag::Account), "DESK-B");
  EXPECT_EQ(get(no, std_tag::Text), "session may not act for account DESK-B");
}

TEST(AccountReportEncoder, CollateralReportCarriesBalanceMarginAndFreeCollateral) {
  AccountSnapshot s;
  s.account = 1;
  s.collateral = Quote(999'950'000'000);
  s.unrealized_pnl = Quote(-1'234'567);
  s.equity = Quote(999'948'765'433);
  s.initial_requirement = Quote(5'000'000'001);
  s.maintenance_requirement = Quote(2'500'000'001);
  s.free_collateral = Quote(994'948'765'432);
  s.position_notional = Quote(50'000'000'000);
  ReportHeader h = header();
  h.last = false;
  FIX::Message ba = received(encode_collateral_report(h, "DESK-A", s));
  EXPECT_EQ(get(ba, std_tag::CollRptID), "P1-7");
  EXPECT_EQ(get(ba, std_tag::CollInquiryID), "req");
  EXPECT_EQ(get(ba, std_tag::CollStatus), "3");
  EXPECT_EQ(get(ba, std_tag::TotNumReports), "3");
  EXPECT_EQ(get(ba, std_tag::LastRptRequested), "N");
  EXPECT_EQ(get(ba, std_tag::Currency), "USDC");
  EXPECT_EQ(get(ba, tag::CollateralBalance), "999950");
  EXPECT_EQ(get(ba, tag::UnrealizedPnL), "-1.234567");
  EXPECT_EQ(get(ba, std_tag::TotalNetValue), "999948.765433");
  EXPECT_EQ(get(ba, tag::InitialMargin), "5000.000001");
  EXPECT_EQ(get(ba, tag::MaintenanceMargin), "2500.000001");
  EXPECT_EQ(get(ba, tag::FreeCollateral), "994948.765432");
  EXPECT_EQ(get(ba, tag::PositionNotional), "50000");
}

TEST(AccountReportEncoder, CollateralAckStatusFollowsTheRequest) {
  ReportHeader h = header();
  EXPECT_EQ(get(received(encode_collateral_ack(h, "DESK-A", CollInquiryResult::successful)),
                std_tag::CollInquiryStatus),
            "0");  // subscription accepted
  h.subscription = '0';
  EXPECT_EQ(get(received(encode_collateral_ack(h, "DESK-A", CollInquiryResult::successful)),
                std_tag::CollInquiryStatus),
            "2");  // snapshot completed
  h.subscription.reset();
  FIX::Message no =
      received(encode_collateral_ack(h, "DESK-B", CollInquiryResult::unauthorized, "not yours"));
  EXPECT_EQ(get(no, std_tag::CollInquiryStatus), "4");
  EXPECT_EQ(get(no, std_tag::CollInquiryResult), "8");
  EXPECT_EQ(get(no, std_tag::TotNumReports), "0");
  EXPECT_EQ(get(no, std_tag::Text), "not yours");
}

}  // namespace
}  // namespace qd::fix
