#pragma once
// Compliance sees settlement: when a settlement batch confirms, every drop-copy session watching
// the maker's or the taker's account of one of its fills receives, per fill, a TradeCaptureReport
// (35=AE) with the batch id, the signature of the transaction that carried that session's
// account's transfer, and the fill's merkle proof against the batch root (spec/SETTLEMENT.md,
// "Drop copy"). Lives here, in the composition root, so fix/ does not depend on settlement/.
//
// Delivery: to sessions logged on when the batch confirms (sent from the settlement thread);
// nothing is kept for a session logged off, and a batch announced again after a restart is
// sent again (desks key on 571 = "<batch>-<leaf>").

#include <optional>

#include "fix/directory.hpp"
#include "fix/drop_copy_service.hpp"
#include "settlement/bridge/batch_confirmation.hpp"

namespace qd {

/// The report of one settled fill for a session that watches `accounts`: 20101 carries the
/// maker's signature when the session watches the maker's account, the taker's otherwise.
/// `timestamp_digits`: sub-second digits of TransactTime (0, 3, 6 or 9); `now`: the report's
/// time (the confirmation's), in ns since the epoch.
FIX::Message settlement_trade_capture(const settlement::BatchConfirmation& batch,
                                      const settlement::SettledFill& fill,
                                      const std::vector<AccountId>& accounts,
                                      const fix::Directory& directory, int timestamp_digits,
                                      TimestampNs now);

class SettlementDropCopy final : public settlement::SettlementListener {
 public:
  /// Both must outlive the settlement bridge this listens to.
  SettlementDropCopy(fix::DropCopyService& drop_copy, const fix::Directory& directory)
      : drop_copy_(drop_copy), directory_(directory) {}

  /// Settlement thread: sends the batch's reports to the sessions logged on now.
  void on_batch_confirmed(const settlement::BatchConfirmation& confirmation) override;

 private:
  fix::DropCopyService& drop_copy_;
  const fix::Directory& directory_;
};

}  // namespace qd
