#pragma once
// The settlement outbox: committed journal events in, per-account collateral deltas and the
// batch's fills out. Pure bookkeeping, no I/O; the bridge persists what it returns.
//
// Model (spec/SETTLEMENT.md, "What settles"): a desk's on-chain token balance mirrors its venue
// collateral. Deposits and withdrawals (CollateralChanged) move the baseline and are not
// settlement flows; every other change of an account's collateral (fill PnL and fees, funding,
// liquidation fees, insurance takeovers, ADL, deficit resets) is a flow. Per account the amount
// to settle is collateral_after(latest) - collateral at the last settled point - deposits and
// withdrawals in between, accumulated here as `unsettled`. The insurance fund is the venue's
// own money and lives in the vault, so its events are not flows.

#include <functional>
#include <map>
#include <vector>

#include "core/event.hpp"
#include "settlement/bridge/fill_record.hpp"

namespace qd::settlement {

/// What settlement knows about one venue account (all 1e-6 USDC).
struct AccountLedger {
  Quote last_collateral;  ///< venue collateral after the last event read
  Quote baseline;         ///< deposits - withdrawals read so far
  Quote unsettled;        ///< flows read but not yet put in a batch (signed: + owed to the desk)
  bool operator==(const AccountLedger&) const = default;
};

/// One account's net amount in a batch: + the vault pays the desk (credit), - the desk pays the
/// vault (debit), 1e-6 USDC = token base units.
struct NetTransfer {
  AccountId account = 0;
  Quote amount;
  bool operator==(const NetTransfer&) const = default;
};

struct ClosedBatch {
  SeqNo from_seq = 0;                  ///< covers events with seq > from_seq ...
  SeqNo to_seq = 0;                    ///< ... and seq <= to_seq
  std::vector<SettlementFill> fills;   ///< in journal order; leaf i is fills[i]
  std::vector<NetTransfer> transfers;  ///< non-zero amounts, by account number
  TimestampNs first_event_ts = 0;      ///< engine time of the batch's first flow (0: none)
};

class Outbox {
 public:
  /// Resumes after `cursor` (the last seq a closed batch or checkpoint covered) with the
  /// accounts as persisted then.
  explicit Outbox(SeqNo cursor = 0, std::map<AccountId, AccountLedger> accounts = {});

  /// Applies one committed event. Events must arrive in journal order with seq > read_seq()
  /// or equal to it (the same command); older events are ignored (returns false).
  bool apply(const Event& event);

  /// Records that every event up to seq has been read (the journal had nothing more for
  /// settlement there), so a batch or checkpoint cut now covers it.
  void advance_to(SeqNo seq) {
    if (seq > read_seq_) read_seq_ = seq;
  }

  SeqNo cursor() const { return cursor_; }
  /// The last seq applied; the batch may only be cut here once that command's events are all in.
  SeqNo read_seq() const { return read_seq_; }
  /// Fills applied since the cursor.
  size_t open_fills() const { return fills_.size(); }
  /// True when flows or fills were applied since the cursor.
  bool has_open_flows() const { return open_flows_; }
  /// Engine time of the first flow or fill since the cursor (0: none).
  TimestampNs open_first_ts() const { return first_ts_; }
  /// True when some account accepted by settleable has a non-zero unsettled amount.
  bool has_settleable(const std::function<bool(AccountId)>& settleable) const;

  /// Cuts a batch at read_seq(): the fills since the cursor and, for each account settleable
  /// accepts, its unsettled amount (then zero). Accounts it refuses keep theirs (quarantine).
  ClosedBatch close(const std::function<bool(AccountId)>& settleable);
  /// Moves the cursor to read_seq() without a batch (only baseline moves were read).
  /// Precondition: !has_open_flows().
  void checkpoint();
  /// Gives back an amount that did not settle (its account was quarantined).
  void return_unsettled(AccountId account, Quote amount);

  const std::map<AccountId, AccountLedger>& accounts() const { return accounts_; }

 private:
  void flow(AccountId account, Quote collateral_after, TimestampNs ts);

  SeqNo cursor_ = 0;
  SeqNo read_seq_ = 0;
  std::map<AccountId, AccountLedger> accounts_;
  std::vector<SettlementFill> fills_;
  bool open_flows_ = false;
  TimestampNs first_ts_ = 0;
};

}  // namespace qd::settlement
