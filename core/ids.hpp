#pragma once
// Identifiers. Engine-assigned ids (OrderId, ExecId, TradeId) derive from the sequencer, never
// from a clock or randomness, so replaying the journal reproduces them exactly.

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace qd {

using SeqNo = uint64_t;      ///< sequencer stamp of a command, 1-based, gap-free
using OrderId = uint64_t;    ///< engine order id, 1-based, sequential per engine
using AccountId = uint32_t;  ///< venue account, from config
using MarketId = uint32_t;   ///< index of the market in the engine, from config order
using SessionId = uint32_t;  ///< FIX session slot that entered a command (0 = venue/admin)
using StpGroupId = uint32_t; ///< accounts sharing a group never trade with each other (0 = none)
using TimestampNs = int64_t; ///< nanoseconds since the Unix epoch, stamped by the sequencer

/// ExecID: the command's sequence number and the event's index within it, so a resent drop copy
/// after a restart carries the same id.
struct ExecId {
  SeqNo seq = 0;
  uint32_t index = 0;
  constexpr auto operator<=>(const ExecId&) const = default;
};

/// Trade id: one per fill, from the taker command's sequence and the fill's index in it.
using TradeId = ExecId;

/// A client-chosen id (FIX ClOrdID), stored by value so events never point into buffers.
class ClientOrderId {
 public:
  static constexpr size_t max_size = 64;

  constexpr ClientOrderId() = default;
  /// Keeps at most max_size characters: callers check fits() first (the FIX gateway rejects a
  /// longer ClOrdID before it becomes a command).
  explicit ClientOrderId(std::string_view s) { assign(s); }

  static constexpr bool fits(std::string_view s) { return !s.empty() && s.size() <= max_size; }
  void assign(std::string_view s) {
    size_ = uint8_t(s.size() < max_size ? s.size() : max_size);
    std::memcpy(data_.data(), s.data(), size_);
  }
  std::string_view view() const { return {data_.data(), size_}; }
  bool empty() const { return size_ == 0; }
  bool operator==(const ClientOrderId& o) const { return view() == o.view(); }

 private:
  std::array<char, max_size> data_{};
  uint8_t size_ = 0;
};

}  // namespace qd
