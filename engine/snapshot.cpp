#include "engine/snapshot.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <queue>
#include <utility>
#include <vector>

#include "core/serialization.hpp"
#include "risk/risk_snapshot.hpp"

namespace qd {

namespace {
constexpr uint32_t snapshot_magic = 0x4E534451;  // "QDSN" in the blob's little-endian bytes
}  // namespace

template <class A>
void describe(A& a, AccountSpec& v) {
  a(v.id);
  a(v.stp_mode);
  a(v.stp_group);
  a(v.max_open_orders);
  a(v.enabled);
}
template <class A>
void describe(A& a, OrderRecord& v) {
  a(v.state);
  describe_wide(a, v.cum_notional);
  a(v.stp);
  a(v.stp_group);
  a(v.resting);
  a(v.liquidation);
}

/// The state copied on the engine thread: plain vectors and values, serialized later (on another
/// thread) into the blob. Copying is a few memory passes; sorting and encoding, the slow part,
/// happen off the engine thread.
struct SnapshotCapture {
  struct RestingOrder {
    OrderId id;
    int64_t qty;
    Ticks price;
    uint32_t stp_key;
  };
  struct MarketCopy {
    MarketSpec spec;
    std::optional<Price> mark;
    Price last_trade;
    bool touched = false;
    bool anchored = false;
    Ticks anchor = 0;
    std::vector<RestingOrder> bids, asks;  ///< best level first, time order inside a level
    std::vector<std::pair<Price, OrderId>> buy_stops, sell_stops;  ///< trigger order
  };
  std::vector<MarketCopy> markets;
  std::vector<AccountSpec> accounts;
  std::vector<OrderRecord> orders;
  std::vector<std::pair<std::string, OrderId>> by_client_id;
  std::vector<std::pair<AccountId, uint32_t>> open_by_account;
  std::priority_queue<std::pair<TimestampNs, OrderId>, std::vector<std::pair<TimestampNs, OrderId>>,
                      std::greater<>>
      expiries;
  OrderId next_order_id = 0;
  TimestampNs now = 0, last_tick = 0, risk_tick_interval = 0;
  bool margins_changed = false;
  std::optional<risk::RiskEngine> risk;
  SeqNo seq = 0;  ///< the last command the state includes
};

/// Friend of the engine's containers: reads and writes their members as they are.
struct SnapshotCodec {
  static SnapshotCapture capture(const Exchange& ex);
  static void save(SnapshotCapture& c, ByteWriter& w);
  static void load(Exchange& ex, ByteReader& r);

 private:
  static void load_book(Exchange& ex, OrderBook& b, ByteReader& r);
  template <class Map>
  static void load_stops(Map& m, ByteReader& r);
  static void load_orders(OrderTracker& t, ByteReader& r);
  static void check_orders(const Exchange& ex);
};

void SnapshotCodec::load_book(Exchange& ex, OrderBook& b, ByteReader& r) {
  if (b.order_count() != 0 || b.anchored_) throw SnapshotError("snapshot: book is not fresh");
  r(b.anchored_);
  r(b.anchor_);
  for (const Side side : {Side::buy, Side::sell}) {
    uint64_t n = 0;
    r(n);
    for (uint64_t i = 0; i < n; ++i) {
      OrderId id = 0;
      int64_t qty = 0;
      Ticks price = 0;
      uint32_t stp_key = 0;
      r(id);
      r(qty);
      r(price);
      r(stp_key);
      if (id == 0 || qty <= 0 || !b.anchored_ || !b.price_in_range(price) || b.find(id) ||
          ex.pool_->find(id) != OrderPool::nil)
        throw SnapshotError("snapshot: invalid resting order " + std::to_string(id));
      b.add(id, side, price, qty, 0, 0);
      ex.pool_->node(ex.pool_->find(id)).stp_key = stp_key;
    }
  }
  if (std::string bad = b.validate_internal_state(); !bad.empty())
    throw SnapshotError("snapshot: book " + std::to_string(b.book_id_) + ": " + bad);
}

template <class Map>
void SnapshotCodec::load_stops(Map& m, ByteReader& r) {
  uint64_t n = 0;
  r(n);
  for (uint64_t i = 0; i < n; ++i) {
    Price stop;
    OrderId id = 0;
    r(stop);
    r(id);
    m.emplace(std::pair{stop, id}, id);
  }
}

void SnapshotCodec::load_orders(OrderTracker& t, ByteReader& r) {
  if (t.size() != 0) throw SnapshotError("snapshot: order tracker is not fresh");
  uint64_t n = 0;
  r(n);
  for (uint64_t i = 0; i < n; ++i) {
    OrderRecord rec;
    r(rec);
    if (!t.orders_.emplace(rec.state.order_id, rec).second)
      throw SnapshotError("snapshot: order " + std::to_string(rec.state.order_id) + " twice");
  }
  r(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string key;
    OrderId id = 0;
    r(key);
    r(id);
    t.by_client_id_.emplace(std::move(key), id);
  }
  r(n);
  for (uint64_t i = 0; i < n; ++i) {
    AccountId account = 0;
    uint32_t count = 0;
    r(account);
    r(count);
    t.open_by_account_.emplace(account, count);
  }
}

void SnapshotCodec::check_orders(const Exchange& ex) {
  // The book and stop nodes must be exactly the tracker's live orders, with the same quantities:
  // a blob that passed its hash but disagrees with itself is refused, never traded on.
  std::vector<size_t> resting(ex.markets_.size(), 0), stops(ex.markets_.size(), 0);
  for (const auto& [id, rec] : ex.orders_.orders_) {
    const OrderState& s = rec.state;
    if (s.market >= ex.markets_.size() || s.order_id != id)
      throw SnapshotError("snapshot: order " + std::to_string(id) + " is malformed");
    const Exchange::Market& m = *ex.markets_[s.market];
    if (rec.resting) {
      const BookOrder* o = m.book.find(id);
      if (!o || o->qty != s.leaves_qty.raw)
        throw SnapshotError("snapshot: order " + std::to_string(id) + " is not on its book");
      ++resting[s.market];
    } else {
      ++stops[s.market];
    }
  }
  for (size_t i = 0; i < ex.markets_.size(); ++i) {
    const Exchange::Market& m = *ex.markets_[i];
    if (m.book.order_count() != resting[i] || m.stops.size() != stops[i])
      throw SnapshotError("snapshot: market " + m.spec.symbol + " holds orders the tracker lacks");
  }
}

SnapshotCapture SnapshotCodec::capture(const Exchange& ex) {
  SnapshotCapture c;
  c.markets.reserve(ex.markets_.size());
  for (const auto& mp : ex.markets_) {
    const Exchange::Market& m = *mp;
    SnapshotCapture::MarketCopy& mc = c.markets.emplace_back();
    mc.spec = m.spec;
    mc.mark = m.mark;
    mc.last_trade = m.last_trade;
    mc.touched = m.touched;
    mc.anchored = m.book.anchored_;
    mc.anchor = m.book.anchor_;
    mc.bids.reserve(m.book.order_count());
    // Best level first, time order inside a level: resting them again in this order rebuilds
    // the same priority.
    m.book.for_each_order(Side::buy, [&](const BookOrder& o) {
      mc.bids.push_back({o.id, o.qty, m.book.price_of(o), o.stp_key});
    });
    m.book.for_each_order(Side::sell, [&](const BookOrder& o) {
      mc.asks.push_back({o.id, o.qty, m.book.price_of(o), o.stp_key});
    });
    for (const auto& [key, id] : m.stops.buys_) mc.buy_stops.emplace_back(key.first, id);
    for (const auto& [key, id] : m.stops.sells_) mc.sell_stops.emplace_back(key.first, id);
  }
  for (const auto& [id, spec] : ex.accounts_) c.accounts.push_back(spec);
  const OrderTracker& t = ex.orders_;
  c.orders.reserve(t.orders_.size());
  for (const auto& [id, rec] : t.orders_) c.orders.push_back(rec);
  c.by_client_id.assign(t.by_client_id_.begin(), t.by_client_id_.end());
  c.open_by_account.assign(t.open_by_account_.begin(), t.open_by_account_.end());
  c.expiries = ex.expiries_.heap_;
  c.next_order_id = ex.next_order_id_;
  c.now = ex.now_;
  c.last_tick = ex.last_tick_;
  c.risk_tick_interval = ex.risk_tick_interval_;
  c.margins_changed = ex.margins_changed_;
  if (ex.risk_) c.risk.emplace(*ex.risk_);
  return c;
}

void SnapshotCodec::save(SnapshotCapture& c, ByteWriter& w) {
  // Hash maps are written in key order so equal states give equal bytes.
  const auto by_first = [](const auto& x, const auto& y) { return x.first < y.first; };
  w(uint32_t(c.markets.size()));
  for (SnapshotCapture::MarketCopy& m : c.markets) {
    w(m.spec);
    describe_optional(w, m.mark);
    w(m.last_trade);
    w(m.touched);
    w(m.anchored);
    w(m.anchor);
    for (const auto* side : {&m.bids, &m.asks}) {
      w(uint64_t(side->size()));
      for (const SnapshotCapture::RestingOrder& o : *side) {
        w(o.id);
        w(o.qty);
        w(o.price);
        w(o.stp_key);
      }
    }
    for (const auto* stops : {&m.buy_stops, &m.sell_stops}) {
      w(uint64_t(stops->size()));
      for (const auto& [stop, id] : *stops) {
        w(stop);
        w(id);
      }
    }
  }
  std::sort(c.accounts.begin(), c.accounts.end(),
            [](const AccountSpec& x, const AccountSpec& y) { return x.id < y.id; });
  w(uint64_t(c.accounts.size()));
  for (const AccountSpec& a : c.accounts) w(a);
  std::sort(c.orders.begin(), c.orders.end(), [](const OrderRecord& x, const OrderRecord& y) {
    return x.state.order_id < y.state.order_id;
  });
  w(uint64_t(c.orders.size()));
  for (const OrderRecord& r : c.orders) w(r);
  std::sort(c.by_client_id.begin(), c.by_client_id.end(), by_first);
  w(uint64_t(c.by_client_id.size()));
  for (const auto& [key, id] : c.by_client_id) {
    w(key);
    w(id);
  }
  std::sort(c.open_by_account.begin(), c.open_by_account.end(), by_first);
  w(uint64_t(c.open_by_account.size()));
  for (const auto& [account, n] : c.open_by_account) {
    w(account);
    w(n);
  }
  w(uint64_t(c.expiries.size()));  // popped in (time, id) order: the same entries, sorted
  for (; !c.expiries.empty(); c.expiries.pop()) {
    w(c.expiries.top().first);
    w(c.expiries.top().second);
  }
  w(c.next_order_id);
  w(c.now);
  w(c.last_tick);
  w(c.risk_tick_interval);
  w(c.margins_changed);
  w(c.risk.has_value());
  if (c.risk) c.risk->save_state(w);
}

void SnapshotCodec::load(Exchange& ex, ByteReader& r) {
  uint32_t markets = 0;
  r(markets);
  if (markets != ex.markets_.size())
    throw SnapshotError("snapshot holds " + std::to_string(markets) +
                        " markets, the configuration " + std::to_string(ex.markets_.size()));
  // What only the configuration sets (tick, lot, margin fields no command changes) must be as
  // configured: a full replay would run the whole history under the file's values.
  std::vector<risk::MarketRiskParams> configured;
  for (MarketId i = 0; ex.risk_ && i < markets; ++i)
    configured.push_back(ex.risk_->market(i)->params);
  for (size_t i = 0; i < markets; ++i) {
    Exchange::Market& m = *ex.markets_[i];
    MarketSpec spec;
    r(spec);
    if (spec.id != m.spec.id || spec.symbol != m.spec.symbol)
      throw SnapshotError("snapshot market " + std::to_string(i) + " is " + spec.symbol +
                          ", the configuration's is " + m.spec.symbol);
    if (spec.tick_size != m.spec.tick_size || spec.lot_size != m.spec.lot_size)
      throw SnapshotError(spec.symbol + ": tick or lot size changed since the snapshot");
    m.spec = spec;
    describe_optional(r, m.mark);
    r(m.last_trade);
    r(m.touched);
    load_book(ex, m.book, r);
    load_stops(m.stops.buys_, r);
    load_stops(m.stops.sells_, r);
  }
  uint64_t n = 0;
  r(n);
  for (uint64_t i = 0; i < n; ++i) {
    AccountSpec spec;
    r(spec);
    ex.accounts_[spec.id] = spec;  // accounts configured since keep their fresh settings
  }
  load_orders(ex.orders_, r);
  check_orders(ex);
  r(n);
  for (uint64_t i = 0; i < n; ++i) {
    TimestampNs at = 0;
    OrderId id = 0;
    r(at);
    r(id);
    ex.expiries_.add(at, id);
  }
  r(ex.next_order_id_);
  r(ex.now_);
  r(ex.last_tick_);
  r(ex.risk_tick_interval_);
  r(ex.margins_changed_);
  bool has_risk = false;
  r(has_risk);
  if (has_risk != bool(ex.risk_))
    throw SnapshotError(has_risk ? "snapshot has a margin core, the configuration none"
                                 : "snapshot has no margin core, the configuration has one");
  if (ex.risk_) {
    ex.risk_->load_state(r);
    for (MarketId i = 0; i < markets; ++i) {
      risk::MarketRiskParams restored = ex.risk_->market(i)->params;
      risk::MarketRiskParams expected =
          with_params(configured[i], market_params_of(ex.markets_[i]->spec, &restored));
      ByteWriter a, b;
      a(restored);
      b(expected);
      if (a.bytes() != b.bytes())
        throw SnapshotError(ex.markets_[i]->spec.symbol +
                            ": margin parameters set only by the configuration changed since the "
                            "snapshot");
    }
  }
  if (!r.done()) throw SnapshotError("snapshot: bytes left after the state");
}

void SnapshotCaptureDeleter::operator()(SnapshotCapture* c) const {
  delete c;
}

CapturedSnapshot capture_snapshot(const Exchange& exchange, SeqNo seq) {
  CapturedSnapshot c(new SnapshotCapture(SnapshotCodec::capture(exchange)));
  c->seq = seq;
  return c;
}

std::string encode_captured(CapturedSnapshot captured) {
  ByteWriter w;
  w(snapshot_magic);
  w(snapshot_format_version);
  w(captured->seq);
  SnapshotCodec::save(*captured, w);
  return w.bytes();
}

std::string encode_snapshot(const Exchange& exchange, SeqNo seq) {
  return encode_captured(capture_snapshot(exchange, seq));
}

SnapshotHeader snapshot_header(std::string_view blob) {
  try {
    ByteReader r(blob);
    uint32_t magic = 0;
    SnapshotHeader h;
    r(magic);
    if (magic != snapshot_magic) throw SnapshotError("not an engine snapshot");
    r(h.format_version);
    r(h.seq);
    return h;
  } catch (const SnapshotError&) {
    throw;
  } catch (const std::exception& e) {
    throw SnapshotError(std::string("snapshot header: ") + e.what());
  }
}

SnapshotHeader restore_snapshot(Exchange& fresh, std::string_view blob) {
  const SnapshotHeader h = snapshot_header(blob);
  if (h.format_version != snapshot_format_version)
    throw SnapshotError("snapshot format version " + std::to_string(h.format_version) +
                        " is not the supported " + std::to_string(snapshot_format_version));
  try {
    ByteReader r(blob.substr(16));
    SnapshotCodec::load(fresh, r);
  } catch (const SnapshotError&) {
    throw;
  } catch (const std::exception& e) {
    throw SnapshotError(std::string("snapshot: ") + e.what());
  }
  return h;
}

uint64_t exchange_state_hash(const Exchange& exchange) {
  ByteWriter w;
  SnapshotCapture c = SnapshotCodec::capture(exchange);
  SnapshotCodec::save(c, w);
  return fnv1a(w.bytes());
}

}  // namespace qd
