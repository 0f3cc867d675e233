#pragma once
// What compliance learns when a settlement batch confirms: per fill, the transaction that
// carried each side's transfer, the batch id, and the fill's merkle proof against the root in
// the batch memo. The FIX drop copy subscribes through SettlementListener and sends one
// TradeCaptureReport (35=AE) per fill to each drop-copy session covering one of its accounts
// (spec/SETTLEMENT.md, "Drop copy").

#include <cstdint>
#include <string>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "settlement/bridge/fill_record.hpp"

namespace qd::settlement {

enum class SideSettlement : uint8_t {
  transferred,  ///< the account's net transfer of this batch is in `signature`
  netted_zero,  ///< the account's flows in this batch netted to 0: nothing moved
  deferred,     ///< the account is quarantined: its amount settles in a later batch
};
const char* to_string(SideSettlement s);

struct FillSideSettlement {
  AccountId account = 0;
  std::string signature;  ///< base58; the batch's part 1 when nothing was transferred
  SideSettlement status = SideSettlement::transferred;
};

struct SettledFill {
  SettlementFill fill;
  uint64_t leaf_index = 0;     ///< position in the batch's merkle tree
  std::string fill_bytes_hex;  ///< the 58 fill bytes (spec/SETTLEMENT.md, "Fill bytes")
  std::string proof_hex;       ///< sibling hashes, leaf level first, 64 hex chars each
  FillSideSettlement maker;
  FillSideSettlement taker;
};

struct PartSignature {
  uint32_t part = 0;  ///< 1-based
  std::string signature;
  uint64_t slot = 0;  ///< where it landed
};

struct AccountTransfer {
  AccountId account = 0;
  Quote amount;           ///< + paid to the desk, - collected from it (1e-6 USDC)
  std::string signature;  ///< the part that carried it
};

struct BatchConfirmation {
  uint64_t batch_id = 0;
  std::string merkle_root_hex;
  uint64_t fill_count = 0;
  uint32_t part_count = 0;
  SeqNo from_seq = 0;  ///< journal range the batch covers: (from_seq, to_seq]
  SeqNo to_seq = 0;
  std::vector<PartSignature> parts;
  std::vector<AccountTransfer> transfers;
  std::vector<SettledFill> fills;
};

/// Subscribers to settlement progress. Called on the settlement thread as each batch confirms
/// (batches confirm in any order); keep it short (queue the work). A batch is announced at least
/// once: after a restart a batch whose announcement was not recorded is announced again, so
/// receivers key on batch_id.
class SettlementListener {
 public:
  virtual ~SettlementListener() = default;
  /// Every part of the batch landed without error at the configured commitment.
  virtual void on_batch_confirmed(const BatchConfirmation& confirmation) = 0;
};

}  // namespace qd::settlement
