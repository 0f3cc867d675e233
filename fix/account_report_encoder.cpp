#include "fix/account_report_encoder.hpp"

#include <ctime>

#include "core/decimal.hpp"
#include "fix/fix_time.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {

namespace {

namespace t = std_tag;

FIX::Message make(const char* msg_type) {
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType(msg_type));
  return m;
}

void set(FIX::FieldMap& m, int tag, const std::string& v) {
  m.setField(tag, v);
}

void set_common(FIX::Message& m, const ReportHeader& h) {
  if (h.subscription) set(m, t::SubscriptionRequestType, std::string(1, *h.subscription));
  set(m, t::UnsolicitedIndicator, h.unsolicited ? "Y" : "N");
  set(m, t::TransactTime, format_utc_timestamp(h.now, h.timestamp_digits));
}

/// |v| as an unsigned quantity (the position's long or short size).
Qty abs_qty(Qty q) {
  return Qty(q.raw < 0 ? -q.raw : q.raw);
}

}  // namespace

std::string utc_business_date(TimestampNs ns) {
  const std::time_t secs = std::time_t(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  const int date = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
  return std::to_string(date);
}

FIX::Message encode_position_report(const ReportHeader& h, const std::string& account,
                                    const std::string& symbol, const PositionSnapshot& p,
                                    Quote funding_paid) {
  FIX::Message m = make("AP");
  set(m, t::PosMaintRptID, h.report_id);
  if (!h.request_id.empty()) set(m, t::PosReqID, h.request_id);
  set(m, t::PosReqType, "0");
  set(m, t::TotalNumPosReports, std::to_string(h.total));
  set(m, t::PosReqResult, "0");
  set(m, t::ClearingBusinessDate, utc_business_date(h.now));
  set(m, t::Account, account);
  set(m, t::AccountType, "1");
  set(m, t::Symbol, symbol);
  set(m, t::Currency, "USDC");
  // FIX 4.4 requires SettlPrice, SettlPriceType and PriorSettlPrice: a perpetual settles
  // continuously at the mark, so all three carry the mark (theoretical).
  set(m, t::SettlPrice, to_string(p.mark));
  set(m, t::SettlPriceType, "2");
  set(m, t::PriorSettlPrice, to_string(p.mark));
  FIX::Group g(t::NoPositions, t::PosType);
  set(g, t::PosType, "TOT");
  set(g, t::LongQty, to_string(p.base.raw > 0 ? p.base : Qty(0)));
  set(g, t::ShortQty, to_string(p.base.raw < 0 ? abs_qty(p.base) : Qty(0)));
  m.addGroup(g);
  set(m, tag::EntryPrice, to_string(p.entry_price));
  set(m, tag::UnrealizedPnL, to_string(p.unrealized_pnl));
  set(m, tag::RealizedPnL, to_string(p.realized_pnl));
  set(m, tag::InitialMargin, to_string(p.initial_margin));
  set(m, tag::MaintenanceMargin, to_string(p.maintenance_margin));
  set(m, tag::FundingPaid, to_string(funding_paid));
  if (p.liquidation_price) set(m, tag::LiquidationPrice, to_string(*p.liquidation_price));
  set(m, tag::PositionNotional, to_string(p.notional));
  set_common(m, h);
  return m;
}

FIX::Message encode_positions_ack(const ReportHeader& h, const std::string& account,
                                  PosReqResult result, const std::string& text) {
  FIX::Message m = make("AO");
  set(m, t::PosMaintRptID, h.report_id);
  if (!h.request_id.empty()) set(m, t::PosReqID, h.request_id);
  const bool ok = result == PosReqResult::valid || result == PosReqResult::no_positions;
  set(m, t::TotalNumPosReports, std::to_string(ok ? h.total : 0));
  set(m, t::PosReqResult, std::to_string(int(result)));
  set(m, t::PosReqStatus, ok ? "0" : "2");
  set(m, t::Account, account);
  set(m, t::AccountType, "1");
  if (!text.empty()) set(m, t::Text, text);
  set(m, t::UnsolicitedIndicator, "N");
  return m;
}

FIX::Message encode_collateral_report(const ReportHeader& h, const std::string& account,
                                      const AccountSnapshot& s) {
  FIX::Message m = make("BA");
  set(m, t::CollRptID, h.report_id);
  if (!h.request_id.empty()) set(m, t::CollInquiryID, h.request_id);
  set(m, t::CollStatus, "3");  // assigned: the collateral is the account's, held by the venue
  set(m, t::TotNumReports, std::to_string(h.total));
  set(m, t::LastRptRequested, h.last ? "Y" : "N");
  set(m, t::Account, account);
  set(m, t::Currency, "USDC");
  set(m, t::TotalNetValue, to_string(s.equity));
  set(m, tag::CollateralBalance, to_string(s.collateral));
  set(m, tag::UnrealizedPnL, to_string(s.unrealized_pnl));
  set(m, tag::InitialMargin, to_string(s.initial_requirement));
  set(m, tag::MaintenanceMargin, to_string(s.maintenance_requirement));
  set(m, tag::FreeCollateral, to_string(s.free_collateral));
  set(m, tag::PositionNotional, to_string(s.position_notional));
  set(m, t::UnsolicitedIndicator, h.unsolicited ? "Y" : "N");
  set(m, t::TransactTime, format_utc_timestamp(h.now, h.timestamp_digits));
  return m;
}

FIX::Message encode_collateral_ack(const ReportHeader& h, const std::string& account,
                                   CollInquiryResult result, const std::string& text) {
  FIX::Message m = make("BG");
  set(m, t::CollInquiryID, h.request_id);
  const bool ok = result == CollInquiryResult::successful;
  // 0 = accepted (a subscription stays open), 2 = completed (snapshot), 4 = rejected.
  set(m, t::CollInquiryStatus, !ok ? "4" : h.subscription == '1' ? "0" : "2");
  set(m, t::CollInquiryResult, std::to_string(int(result)));
  set(m, t::TotNumReports, std::to_string(ok ? h.total : 0));
  if (!account.empty()) set(m, t::Account, account);
  if (!text.empty()) set(m, t::Text, text);
  return m;
}

}  // namespace qd::fix
