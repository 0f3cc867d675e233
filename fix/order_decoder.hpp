#pragma once
// Inbound FIX 4.4 order entry -> core commands. Values are read from the fields' characters
// (never QuickFIX's double-based Price/Qty types) and converted exactly: a value with more
// decimals than the unit holds, a sign, an exponent or junk is a reject naming the tag, never
// rounded. Tick, lot, size and band rules are the engine's: it knows the market's live state.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/command.hpp"
#include "core/reject_reason.hpp"
#include "fix/directory.hpp"
#include "fix/order_view.hpp"
#include "fix/quickfix.hpp"

namespace qd::fix {

/// Why a message was refused before reaching the engine.
struct Rejection {
  RejectReason reason = RejectReason::invalid_field;
  std::string text;
};

template <class T>
using Decoded = std::variant<T, Rejection>;

/// What the decoder knows about the session a message came through.
struct DecodeContext {
  const Directory& directory;
  SessionId session = 0;
  const std::vector<AccountId>& accounts;  ///< accounts the session may act for
};

/// The value of `tag` in `map` when present.
std::optional<std::string> get_field(const FIX::FieldMap& map, int tag);

/// NewOrderSingle (D).
Decoded<NewOrder> decode_new_order(const FIX::Message& msg, const DecodeContext& ctx);

/// OrderCancelRequest (F). OrigClOrdID is resolved through the view when it knows the order;
/// OrderID (37), when sent, wins.
Decoded<CancelOrder> decode_cancel(const FIX::Message& msg, const DecodeContext& ctx,
                                   const OrderView& view);

/// OrderCancelReplaceRequest (G). Only price, stop price and quantity may change; side, type,
/// TimeInForce, ExpireTime and ExecInst must repeat the order's.
Decoded<ReplaceOrder> decode_replace(const FIX::Message& msg, const DecodeContext& ctx,
                                     const OrderView& view);

/// OrderMassCancelRequest (q): MassCancelRequestType 1 (by Symbol) or 7 (all).
Decoded<MassCancel> decode_mass_cancel(const FIX::Message& msg, const DecodeContext& ctx);

/// The account a message acts for: Account (1) when sent, else the session's only account.
Decoded<AccountId> resolve_account(const FIX::Message& msg, const DecodeContext& ctx);

}  // namespace qd::fix
