#include "settlement/bridge/fill_record.hpp"

#include "settlement/solana/merkle.hpp"

namespace qd::settlement {

namespace {

template <class T>
void put(uint8_t*& out, T value) {
  using U = std::make_unsigned_t<T>;
  const U u = static_cast<U>(value);
  for (size_t i = 0; i < sizeof(T); ++i) *out++ = uint8_t(u >> (8 * i));
}

template <class T>
T get(const uint8_t*& in) {
  using U = std::make_unsigned_t<T>;
  U u = 0;
  for (size_t i = 0; i < sizeof(T); ++i) u |= U(*in++) << (8 * i);
  return static_cast<T>(u);
}

}  // namespace

FillBytes fill_bytes(const SettlementFill& f) {
  FillBytes out{};
  uint8_t* p = out.data();
  put<uint8_t>(p, FILL_BYTES_VERSION);
  put<uint64_t>(p, f.trade_id.seq);
  put<uint32_t>(p, f.trade_id.index);
  put<uint32_t>(p, f.market);
  put<uint64_t>(p, f.maker_order);
  put<uint32_t>(p, f.maker_account);
  put<uint64_t>(p, f.taker_order);
  put<uint32_t>(p, f.taker_account);
  put<uint8_t>(p, static_cast<uint8_t>(f.aggressor_side));
  put<int64_t>(p, f.price.raw);
  put<int64_t>(p, f.qty.raw);
  return out;
}

std::optional<SettlementFill> parse_fill_bytes(std::span<const uint8_t> bytes) {
  if (bytes.size() != FILL_BYTES_SIZE || bytes[0] != FILL_BYTES_VERSION) return std::nullopt;
  const uint8_t* p = bytes.data() + 1;
  SettlementFill f;
  f.trade_id.seq = get<uint64_t>(p);
  f.trade_id.index = get<uint32_t>(p);
  f.market = get<uint32_t>(p);
  f.maker_order = get<uint64_t>(p);
  f.maker_account = get<uint32_t>(p);
  f.taker_order = get<uint64_t>(p);
  f.taker_account = get<uint32_t>(p);
  const uint8_t side = get<uint8_t>(p);
  if (side != uint8_t(Side::buy) && side != uint8_t(Side::sell)) return std::nullopt;
  f.aggressor_side = static_cast<Side>(side);
  f.price = Price(get<int64_t>(p));
  f.qty = Qty(get<int64_t>(p));
  return f;
}

SettlementFill fill_from_maker_event(const OrderFilled& m) {
  SettlementFill f;
  f.trade_id = m.trade_id;
  f.market = m.order.market;
  f.maker_order = m.order.order_id;
  f.maker_account = m.order.origin.account;
  f.taker_order = m.counterparty_order_id;
  f.taker_account = m.counterparty_account;
  f.aggressor_side = m.aggressor_side;
  f.price = m.last_price;
  f.qty = m.last_qty;
  return f;
}

solana::Hash fill_leaf(const SettlementFill& fill) {
  const FillBytes b = fill_bytes(fill);
  return solana::merkle_leaf_hash(b);
}

}  // namespace qd::settlement
