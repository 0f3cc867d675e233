#pragma once
// One trade as settlement commits to it, and its "fill bytes": the fixed-width little-endian
// encoding whose leaf hash goes into the batch's merkle tree (spec/SETTLEMENT.md, "Fill bytes").
// Anyone holding the trade's drop copy can rebuild the bytes and check the proof against the
// root in the batch memo.

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "core/event.hpp"
#include "settlement/solana/pubkey.hpp"

namespace qd::settlement {

/// The fields of a trade that the merkle leaf commits to. Both sides of the trade share it.
struct SettlementFill {
  TradeId trade_id;             ///< (taker command seq, fill index): FIX TradeID "<seq>.<index>"
  MarketId market = 0;          ///< engine market index (config order, from 0)
  OrderId maker_order = 0;      ///< engine OrderID of the resting order
  AccountId maker_account = 0;  ///< venue account number of the maker
  OrderId taker_order = 0;      ///< engine OrderID of the aggressing order
  AccountId taker_account = 0;  ///< venue account number of the taker
  Side aggressor_side = Side::buy;  ///< the taker's side (1 buy, 2 sell, as FIX Side)
  Price price;                      ///< trade price, 1e-6 USDC per base unit
  Qty qty;                          ///< trade quantity, 1e-9 base units
  bool operator==(const SettlementFill&) const = default;
};

/// Layout version written as the first byte; changing the layout changes it.
inline constexpr uint8_t FILL_BYTES_VERSION = 1;
/// version u8, trade seq u64, trade index u32, market u32, maker order u64, maker account u32,
/// taker order u64, taker account u32, aggressor side u8, price i64, qty i64.
inline constexpr size_t FILL_BYTES_SIZE = 58;

using FillBytes = std::array<uint8_t, FILL_BYTES_SIZE>;

/// The fill's bytes, all integers little-endian.
FillBytes fill_bytes(const SettlementFill& fill);
/// Parses fill bytes; empty for another size, another version or a side other than 1/2.
std::optional<SettlementFill> parse_fill_bytes(std::span<const uint8_t> bytes);

/// The trade described by the maker's OrderFilled (the engine emits the maker's side first; it
/// names the taker through counterparty_order_id / counterparty_account).
SettlementFill fill_from_maker_event(const OrderFilled& maker);

/// merkle leaf hash of the fill: sha256(0x00 || fill bytes).
solana::Hash fill_leaf(const SettlementFill& fill);

}  // namespace qd::settlement
