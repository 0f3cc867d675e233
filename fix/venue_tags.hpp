#pragma once
// The venue's own FIX tags (user-defined range 20000-39999) and the code values they carry.
// spec/FIX44-venue.xml defines the same tags; spec/RULES_OF_ENGAGEMENT.md documents them.

#include <optional>
#include <string_view>

#include "core/order_types.hpp"
#include "core/reject_reason.hpp"

namespace qd::fix {

namespace tag {
/// Int on ExecutionReport: why the order left the book or was filled without the owner asking
/// (liquidation, ADL, STP, cancel-on-disconnect, expiry, admin, ...). See cancel_cause_code().
inline constexpr int CancelCause = 20001;
/// Char on NewOrderSingle: self-trade prevention for this order, overriding the account default.
inline constexpr int SelfTradePreventionMode = 20002;
/// Int on every reject (ExecutionReport 39=8, OrderCancelReject, BusinessMessageReject,
/// OrderMassCancelReport): the venue's RejectReason code.
inline constexpr int VenueRejectCode = 20003;
/// Boolean on ExecutionReport ExecType=5: Y when the replace kept the order's time priority.
inline constexpr int PriorityKept = 20004;
/// String on fills: the trade's id, "<seq>.<index>", the same on both sides of the trade.
inline constexpr int TradeID = 20005;
/// Int on throttle rejects: messages left in the bucket (always 0 on a reject).
inline constexpr int ThrottleRemaining = 20006;
/// Int on throttle rejects: milliseconds until the next message is allowed.
inline constexpr int ThrottleRefillMs = 20007;
/// Boolean on ExecutionReport: Y when the order was entered by the venue itself (liquidation).
inline constexpr int VenueInitiated = 20008;
/// String on drop copies (ExecutionReport, TradeCaptureReport): the SenderCompID of the session
/// that entered the order; "VENUE" for what the venue did itself (liquidation, ADL, takeover).
inline constexpr int OriginSession = 20030;
/// String on a drop-copy session's Logon: the last ExecID ("<seq>.<index>") the desk holds;
/// copies resume after it ("0" = from the start of the journal). Absent: after the last copy
/// the venue handed to the session.
inline constexpr int DropCopyResumeAfter = 20031;

// Settlement on drop copies (20100-20107): one TradeCaptureReport (AE) per fill of a confirmed
// settlement batch (spec/SETTLEMENT.md, "Drop copy").
/// Int: the settlement batch id.
inline constexpr int SettlementBatchID = 20100;
/// String: base58 signature of the transaction that carried this session's account's transfer.
inline constexpr int SettlementTxSignature = 20101;
/// String: the fill's merkle proof, hex, 64 chars per sibling hash, leaf level first.
inline constexpr int SettlementMerkleProof = 20102;
/// Int: the fill's leaf index in the batch, from 0.
inline constexpr int SettlementLeafIndex = 20103;
/// Int: fills in the batch (the tree's leaf count).
inline constexpr int SettlementLeafCount = 20104;
/// String: the batch's merkle root, hex (the batch memo's).
inline constexpr int SettlementMerkleRoot = 20105;
/// String: the 58 fill bytes, hex, whose leaf hash the proof starts from.
inline constexpr int SettlementFillBytes = 20106;
/// String in NoSides: "transferred", "netted_zero" or "deferred".
inline constexpr int SettlementSideStatus = 20107;

// Reference data and account reports (20200-20213), on SecurityList (y), PositionReport (AP) and
// CollateralReport (BA). Money in USDC (6 decimals), quantities in base units (9 decimals).
/// Amt on SecurityList: smallest price x quantity an order may have; absent = none.
inline constexpr int MinNotional = 20200;
/// Qty on SecurityList: largest order quantity; absent = none.
inline constexpr int MaxOrderQty = 20201;
/// Amt on SecurityList: largest price x quantity; absent = none.
inline constexpr int MaxOrderNotional = 20202;
/// Int on SecurityList: the market's state, SecurityTradingStatus (326) values (2, 17, 18).
inline constexpr int VenueTradingStatus = 20203;
/// Price on PositionReport: average entry price of the open position (truncated); 0 when flat.
inline constexpr int EntryPrice = 20204;
/// Amt on PositionReport / CollateralReport: unrealized PnL at the mark (signed).
inline constexpr int UnrealizedPnL = 20205;
/// Amt on PositionReport: trading PnL realized in the market, fees and funding excluded.
inline constexpr int RealizedPnL = 20206;
/// Amt on PositionReport / CollateralReport: initial margin requirement (margin used), resting
/// orders included.
inline constexpr int InitialMargin = 20207;
/// Amt on PositionReport / CollateralReport: maintenance margin requirement.
inline constexpr int MaintenanceMargin = 20208;
/// Amt on PositionReport: funding paid in the market since the journal began (+ paid, - received).
inline constexpr int FundingPaid = 20209;
/// Price on PositionReport: the mark at which the account would be liquidated; absent when none.
inline constexpr int LiquidationPrice = 20210;
/// Amt on CollateralReport: deposits - withdrawals + realized PnL - fees - funding.
inline constexpr int CollateralBalance = 20211;
/// Amt on CollateralReport: equity (weighted gains) - initial requirement; may be negative.
inline constexpr int FreeCollateral = 20212;
/// Amt on PositionReport / CollateralReport: |position| x mark.
inline constexpr int PositionNotional = 20213;
/// Char on market data trade entries (W/X, MDEntryType 2): the taker's side, 1 = buy, 2 = sell.
inline constexpr int AggressorSide = 20300;
}  // namespace tag

// Standard FIX 4.4 tags the codec uses that QuickFIX's FIELD namespace names differently or not
// at all in every version.
namespace std_tag {
inline constexpr int Account = 1;
inline constexpr int AvgPx = 6;
inline constexpr int ClOrdID = 11;
inline constexpr int Commission = 12;
inline constexpr int CommType = 13;
inline constexpr int CumQty = 14;
inline constexpr int Currency = 15;
inline constexpr int ExecID = 17;
inline constexpr int ExecInst = 18;
inline constexpr int HandlInst = 21;
inline constexpr int LastPx = 31;
inline constexpr int LastQty = 32;
inline constexpr int MsgSeqNum = 34;
inline constexpr int MsgType = 35;
inline constexpr int OrderID = 37;
inline constexpr int OrderQty = 38;
inline constexpr int OrdStatus = 39;
inline constexpr int OrdType = 40;
inline constexpr int OrigClOrdID = 41;
inline constexpr int PossDupFlag = 43;
inline constexpr int Price = 44;
inline constexpr int RefSeqNum = 45;
inline constexpr int SenderCompID = 49;
inline constexpr int SendingTime = 52;
inline constexpr int Side = 54;
inline constexpr int Symbol = 55;
inline constexpr int TargetCompID = 56;
inline constexpr int Text = 58;
inline constexpr int TimeInForce = 59;
inline constexpr int TransactTime = 60;
inline constexpr int RawDataLength = 95;
inline constexpr int RawData = 96;
inline constexpr int PossResend = 97;
inline constexpr int StopPx = 99;
inline constexpr int CxlRejReason = 102;
inline constexpr int OrdRejReason = 103;
inline constexpr int ExpireTime = 126;
inline constexpr int ResetSeqNumFlag = 141;
inline constexpr int ExecType = 150;
inline constexpr int LeavesQty = 151;
inline constexpr int ExecRestatementReason = 378;
inline constexpr int BusinessRejectRefID = 379;
inline constexpr int BusinessRejectReason = 380;
inline constexpr int CxlRejResponseTo = 434;
inline constexpr int MassCancelRequestType = 530;
inline constexpr int MassCancelResponse = 531;
inline constexpr int MassCancelRejectReason = 532;
inline constexpr int TotalAffectedOrders = 533;
inline constexpr int Username = 553;
inline constexpr int Password = 554;
inline constexpr int MassStatusReqID = 584;
inline constexpr int MassStatusReqType = 585;
inline constexpr int OrdStatusReqID = 790;
inline constexpr int LastLiquidityInd = 851;
inline constexpr int TotNumReports = 911;
inline constexpr int LastRptRequested = 912;
inline constexpr int NewPassword = 925;
inline constexpr int RefMsgType = 372;
inline constexpr int TradeDate = 75;
inline constexpr int TestReqID = 112;
inline constexpr int NoSides = 552;
inline constexpr int TradeReportTransType = 487;
inline constexpr int PreviouslyReported = 570;
inline constexpr int TradeReportID = 571;
inline constexpr int TradeReportType = 856;
inline constexpr int CopyMsgIndicator = 797;
inline constexpr int TrdMatchID = 880;
// Reference data and account reports.
inline constexpr int NoRelatedSym = 146;
inline constexpr int SecurityType = 167;
inline constexpr int SubscriptionRequestType = 263;
inline constexpr int SecurityReqID = 320;
inline constexpr int SecurityResponseID = 322;
inline constexpr int SecurityStatusReqID = 324;
inline constexpr int UnsolicitedIndicator = 325;
inline constexpr int SecurityTradingStatus = 326;
inline constexpr int TotNoRelatedSym = 393;
inline constexpr int SecurityListRequestType = 559;
inline constexpr int SecurityRequestResult = 560;
inline constexpr int RoundLot = 561;
inline constexpr int MinTradeVol = 562;
inline constexpr int AccountType = 581;
inline constexpr int NoPositions = 702;
inline constexpr int PosType = 703;
inline constexpr int LongQty = 704;
inline constexpr int ShortQty = 705;
inline constexpr int PosReqID = 710;
inline constexpr int ClearingBusinessDate = 715;
inline constexpr int PosMaintRptID = 721;
inline constexpr int PosReqType = 724;
inline constexpr int TotalNumPosReports = 727;
inline constexpr int PosReqResult = 728;
inline constexpr int PosReqStatus = 729;
inline constexpr int SettlPrice = 730;
inline constexpr int SettlPriceType = 731;
inline constexpr int PriorSettlPrice = 734;
inline constexpr int LastFragment = 893;
inline constexpr int TotalNetValue = 900;
inline constexpr int CollRptID = 908;
inline constexpr int CollInquiryID = 909;
inline constexpr int CollStatus = 910;
inline constexpr int CollInquiryStatus = 945;
inline constexpr int CollInquiryResult = 946;
inline constexpr int MinPriceIncrement = 969;
}  // namespace std_tag

/// CancelCause (20001) values: one per core CancelReason, fixed forever (desks store them).
constexpr int cancel_cause_code(CancelReason r) {
  switch (r) {
    case CancelReason::client_request:
      return 0;
    case CancelReason::ioc_remainder:
      return 1;
    case CancelReason::fok_unfilled:
      return 2;
    case CancelReason::market_remainder:
      return 3;
    case CancelReason::stp_resting:
      return 4;
    case CancelReason::stp_aggressing:
      return 5;
    case CancelReason::expired:
      return 6;
    case CancelReason::cancel_on_disconnect:
      return 7;
    case CancelReason::mass_cancel:
      return 8;
    case CancelReason::admin:
      return 9;
    case CancelReason::market_closed:
      return 10;
    case CancelReason::liquidation:
      return 11;
    case CancelReason::adl:
      return 12;
    case CancelReason::reduce_only_resize:
      return 13;
    case CancelReason::risk_check_failed:
      return 14;
    case CancelReason::price_band:
      return 15;
  }
  return 99;
}

/// SelfTradePreventionMode (20002) values.
constexpr std::optional<StpMode> stp_from_fix(char c) {
  switch (c) {
    case 'N':
      return StpMode::none;
    case 'R':
      return StpMode::cancel_resting;
    case 'A':
      return StpMode::cancel_aggressing;
    case 'B':
      return StpMode::cancel_both;
    case 'D':
      return StpMode::decrement_and_cancel;
  }
  return std::nullopt;
}
constexpr char stp_to_fix(StpMode m) {
  switch (m) {
    case StpMode::none:
      return 'N';
    case StpMode::cancel_resting:
      return 'R';
    case StpMode::cancel_aggressing:
      return 'A';
    case StpMode::cancel_both:
      return 'B';
    case StpMode::decrement_and_cancel:
      return 'D';
  }
  return 'N';
}

}  // namespace qd::fix
