#pragma once
// Account snapshots -> FIX 4.4 account reports: RequestForPositionsAck (AO), PositionReport (AP),
// CollateralInquiryAck (BG), CollateralReport (BA). Pure functions: the service decides what to
// send and when (account_report_service.hpp). Amounts are exact decimals of the fixed-point
// values (USDC 6 decimals, base 9), never through a double.

#include <optional>
#include <string>

#include "core/fixed_point.hpp"
#include "fix/account_state_source.hpp"
#include "fix/quickfix.hpp"

namespace qd::fix {

/// PosReqResult (728).
enum class PosReqResult : int {
  valid = 0,
  invalid_request = 1,
  no_positions = 2,
  not_authorized = 3,
  not_supported = 4,
};

/// CollInquiryResult (946).
enum class CollInquiryResult : int {
  successful = 0,
  invalid_instrument = 1,
  unauthorized = 8,
  other = 99,
};

/// What every report of one answer (or one subscription push) shares.
struct ReportHeader {
  std::string report_id;             ///< PosMaintRptID (721) / CollRptID (908): unique per message
  std::string request_id;            ///< PosReqID (710) / CollInquiryID (909) echoed
  std::optional<char> subscription;  ///< SubscriptionRequestType (263) echoed on AP when sent
  int total = 1;                     ///< TotalNumPosReports (727) / TotNumReports (911)
  bool last = true;                  ///< LastRptRequested (912) on BA
  bool unsolicited = false;          ///< UnsolicitedIndicator (325): Y on subscription pushes
  TimestampNs now = 0;               ///< TransactTime (60), ClearingBusinessDate (715)
  int timestamp_digits = 6;
};

/// "YYYYMMDD" of `ns` in UTC: ClearingBusinessDate (715). The venue trades around the clock;
/// the business date is the UTC date of the report.
std::string utc_business_date(TimestampNs ns);

/// PositionReport (AP) for one market of an account. `funding_paid` (1e-6 USDC, + paid) is the
/// account's funding in the market since the journal began.
FIX::Message encode_position_report(const ReportHeader& h, const std::string& account,
                                    const std::string& symbol, const PositionSnapshot& p,
                                    Quote funding_paid);

/// RequestForPositionsAck (AO). `result` valid with `total` reports, or a reject (PosReqStatus
/// 729 = 2) with `text`.
FIX::Message encode_positions_ack(const ReportHeader& h, const std::string& account,
                                  PosReqResult result, const std::string& text = "");

/// CollateralReport (BA): balance, equity, margin used and free collateral of one account.
FIX::Message encode_collateral_report(const ReportHeader& h, const std::string& account,
                                      const AccountSnapshot& s);

/// CollateralInquiryAck (BG): CollInquiryStatus (945) 0 accepted (subscription), 2 completed
/// (snapshot) or 4 rejected with `text`.
FIX::Message encode_collateral_ack(const ReportHeader& h, const std::string& account,
                                   CollInquiryResult result, const std::string& text = "");

}  // namespace qd::fix
