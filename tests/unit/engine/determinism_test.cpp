// The same commands give the same events, byte for byte: a seeded random stream of every command
// type runs through fresh exchanges, each event is folded field by field into a hash, and the
// hashes must agree. Changing one command must change the hash, so the check can fail.

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>

#include "tests/unit/engine/exchange_fixture.hpp"

namespace qd::test {
namespace {

constexpr int stream_length = 10'000;

/// splitmix64: the same sequence on every platform and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  int64_t below(int64_t n) { return int64_t(next() % uint64_t(n)); }
  int64_t between(int64_t lo, int64_t hi) { return lo + below(hi - lo + 1); }
  bool percent(int p) { return below(100) < p; }

 private:
  uint64_t s_;
};

/// FNV-1a 64 over explicitly listed fields, each as fixed-width little-endian bytes: never raw
/// struct memory, whose padding is unspecified.
class EventHasher {
 public:
  uint64_t value() const { return h_; }

  void add(const Event& e) {
    u(e.seq);
    u(e.index);
    i(e.ts);
    u(e.body.index());
    std::visit([&](const auto& b) { body(b); }, e.body);
  }

 private:
  void u(uint64_t v) {
    for (int k = 0; k < 8; ++k) {
      h_ ^= (v >> (8 * k)) & 0xff;
      h_ *= 1099511628211ull;
    }
  }
  void i(int64_t v) { u(uint64_t(v)); }
  void id(const ClientOrderId& c) {
    u(c.view().size());
    for (char ch : c.view()) u(uint8_t(ch));
  }
  void state(const OrderState& s) {
    u(s.order_id);
    u(s.origin.account);
    u(s.origin.session);
    u(s.market);
    id(s.client_id);
    id(s.orig_client_id);
    u(uint8_t(s.side));
    u(uint8_t(s.type));
    u(uint8_t(s.tif));
    u(uint8_t(s.status));
    i(s.price.raw);
    i(s.stop_price.raw);
    i(s.order_qty.raw);
    i(s.leaves_qty.raw);
    i(s.cum_qty.raw);
    i(s.avg_price.raw);
    i(s.expire_time);
    u(s.post_only);
    u(s.reduce_only);
  }
  void body(const OrderAccepted& b) { state(b.order); }
  void text(const std::string& t) {
    u(t.size());
    for (char ch : t) u(uint8_t(ch));
  }
  void body(const OrderRejected& b) {
    state(b.order);
    u(uint16_t(b.reason));
    text(b.text);
  }
  void body(const OrderTriggered& b) { state(b.order); }
  void body(const OrderFilled& b) {
    state(b.order);
    u(b.trade_id.seq);
    u(b.trade_id.index);
    u(b.counterparty_order_id);
    u(b.counterparty_account);
    i(b.last_price.raw);
    i(b.last_qty.raw);
    u(uint8_t(b.liquidity));
    u(uint8_t(b.aggressor_side));
    i(b.fee.raw);
    i(b.realized_pnl.raw);
    i(b.position_after.raw);
    i(b.collateral_after.raw);
    u(b.liquidation);
  }
  void body(const OrderCanceled& b) {
    state(b.order);
    i(b.canceled_qty.raw);
    u(uint8_t(b.reason));
    id(b.request_client_id);
  }
  void body(const OrderRestated& b) {
    state(b.order);
    i(b.reduced_by.raw);
    u(uint8_t(b.reason));
  }
  void body(const OrderReplaced& b) {
    state(b.order);
    u(b.kept_priority);
  }
  void body(const CancelRejected& b) {
    u(b.origin.account);
    u(b.origin.session);
    u(b.market);
    u(b.order_id);
    id(b.client_id);
    id(b.orig_client_id);
    u(uint8_t(b.status));
    u(uint8_t(b.response_to));
    u(uint16_t(b.reason));
  }
  void body(const MassCancelDone& b) {
    u(b.origin.account);
    u(b.origin.session);
    u(uint8_t(b.scope));
    u(b.market);
    id(b.client_id);
    u(b.canceled);
    u(uint16_t(b.reason));
  }
  void body(const MarkPriceSet& b) {
    u(b.market);
    i(b.mark.raw);
  }
  void body(const MarketStatusChanged& b) {
    u(b.market);
    u(uint8_t(b.status));
  }
  void body(const CollateralRejected& b) {
    u(b.account);
    i(b.amount.raw);
    u(uint8_t(b.reason_kind));
    u(uint16_t(b.reason));
    text(b.text);
  }
  void body(const ConfigChanged& b) {
    u(uint8_t(b.target));
    u(b.id);
    u(uint16_t(b.reason));
    text(b.text);
  }
  /// Events only the margin core produces (it is off here) count by kind only.
  template <class T>
  void body(const T&) {}

  uint64_t h_ = 1469598103934665603ull;
};

/// Random commands of every kind, shaped by what the exchange holds so most of them do
/// something (replaces and cancels name live orders, prices sit around the mark).
class CommandStream {
 public:
  explicit CommandStream(uint64_t seed) : rng_(seed) {}

  /// The next command, entered at time now.
  CommandBody next(const Exchange& ex, TimestampNs now) {
    now_ = now;
    const int64_t r = rng_.below(1000);
    const MarketId m = MarketId(rng_.below(4));
    if (r < 500) return new_order(ex, m);
    if (r < 650) return cancel(ex, m);
    if (r < 820) return replace(ex, m);
    if (r < 830) return mass_cancel(m);
    if (r < 915) return mark(ex, m);
    if (r < 925) return SetOraclePrice{m, price_near(ex, m, 30), Price(0), now_, rng_.percent(10)};
    if (r < 930) {
      const Quote amount(rng_.between(1, 1'000'000) * QUOTE_PRECISION);
      if (rng_.percent(50)) return Deposit{origin().account, amount};
      return Withdraw{origin().account, amount};
    }
    if (r < 985) return ClockTick{};
    if (r < 988) return update_market(ex, m);
    if (r < 990) return update_account(ex);
    if (r < 991 && m != BTC) return SetMarketStatus{m, MarketStatus::closed};
    if (r < 992) return SetMarketStatus{m, MarketStatus::halted};
    return SetMarketStatus{m, MarketStatus::open};
  }

  /// Remembers the orders a command accepted that still live, for later cancels and replaces.
  void observe(const Exchange& ex, const std::vector<Event>& events) {
    for (const Event& e : events) {
      if (auto* a = std::get_if<OrderAccepted>(&e.body); a && ex.order(a->order.order_id)) {
        if (accepted_.size() < 200) {
          accepted_.push_back(a->order.order_id);
        } else {
          accepted_[size_t(rng_.below(200))] = a->order.order_id;
        }
      }
    }
  }

  /// How far the sequencer's clock moves before the next command.
  TimestampNs elapsed() {
    return rng_.below(500) == 0 ? rng_.between(1, 30) * HOUR : rng_.between(1, 5'000'000'000);
  }

 private:
  static constexpr AccountId accounts[] = {ALICE, BOB,   CAROL, DAVE,  GRACE,
                                           HEIDI, FRANK, ERIN,  NOBODY};

  /// A new band and order size limit, now and then one the engine must refuse (band 0).
  UpdateMarketParams update_market(const Exchange& ex, MarketId m) {
    MarketParams p = ex.market_params(m);
    p.price_band_bps = rng_.percent(10) ? 0 : rng_.between(100, 1000);
    p.max_order_size = rng_.percent(50) ? Qty(0) : Qty(p.min_size.raw + ex.market(m).lot_size.raw * rng_.between(1, 500));
    return UpdateMarketParams{m, p};
  }
  /// An account's order limit and enablement; its self-trade settings stay as configured.
  UpdateAccount update_account(const Exchange& ex) {
    const AccountId a = origin().account;
    const AccountSpec* spec = ex.account_spec(a);
    UpdateAccount u{a, spec ? spec->stp_mode : StpMode::cancel_resting,
                    spec ? spec->stp_group : 0, uint32_t(rng_.between(2, 1000)),
                    rng_.percent(85)};
    return u;
  }
  Origin origin() {
    const AccountId a = accounts[rng_.percent(97) ? rng_.below(6) : rng_.below(9)];
    return as(a);
  }
  ClientOrderId client_id() {
    return ClientOrderId("c" + std::to_string(rng_.below(3000)));  // repeats now and then
  }
  Price reference(const Exchange& ex, MarketId m) const {
    if (m >= ex.market_count()) return usd(100);
    return ex.mark(m) ? *ex.mark(m) : (m == NOMARK ? usd(150) : usd(50'000));
  }
  Price price_near(const Exchange& ex, MarketId m, int64_t spread_bps) {
    const int64_t tick = ex.market(m).tick_size.raw;
    const int64_t ref = reference(ex, m).raw / tick;
    const int64_t off = ref * rng_.between(-spread_bps, spread_bps) / BPS_PRECISION;
    return Price((ref + off) * tick);
  }
  /// A price on the order's own side of the reference, from lo_bps through (negative: across)
  /// to hi_bps away from it.
  Price price_for(const Exchange& ex, MarketId m, Side side, int64_t lo_bps, int64_t hi_bps) {
    const int64_t tick = ex.market(m).tick_size.raw;
    const int64_t ref = reference(ex, m).raw / tick;
    const int64_t off = ref * rng_.between(lo_bps, hi_bps) / BPS_PRECISION;
    return Price((side == Side::buy ? ref - off : ref + off) * tick);
  }
  Qty quantity(const Exchange& ex, MarketId m) {
    const int64_t lot = ex.market(m).lot_size.raw;
    if (rng_.percent(1)) return Qty(lot * rng_.between(1, 10) + 1);  // off the lot
    return Qty(lot * rng_.between(1, 60));
  }

  CommandBody new_order(const Exchange& ex, MarketId m) {
    NewOrder o;
    o.origin = origin();
    o.market = rng_.percent(1) ? NO_SUCH_MARKET : m;
    if (o.market == NO_SUCH_MARKET) return o;
    o.client_id = client_id();
    o.side = rng_.percent(50) ? Side::buy : Side::sell;
    const int64_t t = rng_.below(100);
    o.type = t < 70   ? OrderType::limit
             : t < 80 ? OrderType::market
             : t < 90 ? OrderType::stop_market
                      : OrderType::stop_limit;
    static constexpr TimeInForce tifs[] = {TimeInForce::gtc, TimeInForce::gtc, TimeInForce::ioc,
                                           TimeInForce::fok, TimeInForce::day, TimeInForce::gtd};
    o.tif = tifs[rng_.below(6)];
    o.price = price_for(ex, m, o.side, -60, 600);
    o.stop_price = price_near(ex, m, 80);
    o.qty = quantity(ex, m);
    o.expire_time = now_ + rng_.between(-HOUR, 6 * HOUR);
    o.post_only = rng_.percent(10);
    if (rng_.percent(20)) {
      o.has_stp_override = true;
      o.stp = StpMode(rng_.below(5));
    }
    return o;
  }

  /// Mostly a live order accepted lately (or one that has left since), sometimes any id at all.
  OrderId live_id(const Exchange& ex) {
    if (accepted_.empty() || rng_.percent(5))
      return OrderId(rng_.between(1, int64_t(ex.next_order_id()) + 10));
    OrderId id = 0;
    for (int tries = 0; tries < 4 && !(id && ex.order(id)); ++tries)
      id = accepted_[size_t(rng_.below(int64_t(accepted_.size())))];
    return id;
  }

  CommandBody cancel(const Exchange& ex, MarketId m) {
    CancelOrder c;
    const OrderId id = live_id(ex);
    const OrderRecord* r = ex.order(id);
    c.origin = r && rng_.percent(90) ? r->state.origin : origin();
    c.market = r && rng_.percent(95) ? r->state.market : m;
    if (r && rng_.percent(30))
      c.ref.orig_client_id = r->state.client_id;
    else
      c.ref.order_id = id;
    c.client_id = client_id();
    return c;
  }

  CommandBody replace(const Exchange& ex, MarketId m) {
    ReplaceOrder c;
    const OrderId id = live_id(ex);
    const OrderRecord* r = ex.order(id);
    c.origin = r && rng_.percent(95) ? r->state.origin : origin();
    c.market = r ? r->state.market : m;
    c.ref.order_id = id;
    c.client_id = rng_.percent(20) && r ? r->state.client_id : client_id();
    c.side = r && rng_.percent(97) ? r->state.side : Side(rng_.between(1, 2));
    const MarketId pm = c.market < ex.market_count() ? c.market : BTC;
    c.price = r && rng_.percent(40) ? r->state.price : price_for(ex, pm, c.side, -60, 600);
    c.stop_price = price_near(ex, pm, 300);
    c.qty = r && rng_.percent(40) ? Qty(r->state.order_qty.raw - ex.market(pm).lot_size.raw)
                                  : quantity(ex, pm);
    return c;
  }

  CommandBody mass_cancel(MarketId m) {
    MassCancel c;
    c.origin = origin();
    c.scope = MassCancelScope(rng_.below(4));
    c.market = m;
    c.client_id = client_id();
    c.reason = rng_.percent(50) ? CancelReason::mass_cancel : CancelReason::cancel_on_disconnect;
    return c;
  }

  CommandBody mark(const Exchange& ex, MarketId m) {
    const Price p = price_near(ex, m, 30);
    return SetMarkPrice{m, p};
  }

  Rng rng_;
  TimestampNs now_ = T0;
  std::vector<OrderId> accepted_;
};

struct RunResult {
  uint64_t hash = 0;
  std::vector<Command> commands;
  std::map<std::string, int> event_kinds;  // kind name -> count
  std::string error;
};

/// Runs a generated stream (when commands is empty) or replays the given commands.
RunResult run_stream(uint64_t seed, const std::vector<Command>& replay = {}) {
  RunResult res;
  Exchange ex(fixture_spec(), 1 << 16);
  CommandStream gen(seed);
  EventHasher h;
  std::vector<Event> out;
  std::array<int64_t, 4> bought{}, sold{};
  TimestampNs now = T0;
  const size_t n = replay.empty() ? size_t(stream_length) : replay.size();
  for (size_t k = 0; k < n; ++k) {
    Command c;
    if (replay.empty()) {
      now += gen.elapsed();
      c = Command{SeqNo(k + 1), now, gen.next(ex, now)};
    } else {
      c = replay[k];
    }
    out.clear();
    ex.process(c, out);
    gen.observe(ex, out);
    for (uint32_t i = 0; i < out.size(); ++i) {
      const Event& e = out[i];
      if (e.seq != c.seq || e.index != i || e.ts != c.ts)
        res.error = "event stamps wrong at command " + std::to_string(k);
      h.add(e);
      ++res.event_kinds[kind(e)];
      if (auto* f = std::get_if<OrderFilled>(&e.body))
        (f->order.side == Side::buy ? bought : sold)[f->order.market] += f->last_qty.raw;
    }
    if (k % 2500 == 2499) {
      for (MarketId m = 0; m < ex.market_count(); ++m) {
        if (std::string err = ex.book(m).validate_internal_state(); !err.empty()) res.error = err;
      }
    }
    res.commands.push_back(c);
  }
  if (bought != sold) res.error = "bought and sold quantities differ";
  res.hash = h.value();
  return res;
}

TEST(Determinism, SameCommandsSameEventsAcrossFreshExchanges) {
  const RunResult a = run_stream(42);
  const RunResult b = run_stream(0, a.commands);  // the recorded commands, replayed
  const RunResult c = run_stream(42);             // generated again from the seed
  EXPECT_EQ(a.error, "");
  EXPECT_EQ(b.error, "");
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.hash, c.hash);
  // The stream reached every kind of event, so every kind is in the hash.
  for (const char* k :
       {"accepted", "rejected", "triggered", "filled", "canceled", "restated", "replaced",
        "cancel_rejected", "mass_done", "mark_set", "status_changed", "collateral_rejected",
        "config_changed"}) {
    EXPECT_GT(a.event_kinds.count(k) ? a.event_kinds.at(k) : 0, 10) << k;
  }
  EXPECT_EQ(a.event_kinds.count("other"), 0u);
  // And every kind of command went in.
  std::vector<int> commands(std::variant_size_v<CommandBody>);
  for (const Command& c : a.commands) ++commands[c.body.index()];
  for (size_t k = 0; k < commands.size(); ++k) EXPECT_GT(commands[k], 10) << "command kind " << k;
}

TEST(Determinism, OneChangedCommandChangesTheHash) {
  const RunResult a = run_stream(42);
  std::vector<Command> changed = a.commands;
  size_t k = changed.size() / 2;
  while (!std::holds_alternative<NewOrder>(changed[k].body)) ++k;
  std::get<NewOrder>(changed[k].body).qty += Qty(1);
  EXPECT_NE(run_stream(0, changed).hash, a.hash);
  // And another seed is another stream.
  EXPECT_NE(run_stream(43).hash, a.hash);
}

}  // namespace
}  // namespace qd::test
