// The fast book against the naive reference book: a seeded random stream of adds, IOC orders,
// cancels, replaces (by the replay rules), reductions and fill-or-kill probes over three markets
// sharing one pool, with random self-trade prevention. Every match must report the same steps in
// the same order, and every few hundred operations both books must hold the same orders in the
// same order and the fast book must pass its self-check.

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <unordered_set>

#include "engine/order_book.hpp"
#include "tests/unit/engine/book_recorder.hpp"
#include "tests/unit/engine/reference_book.hpp"

namespace qd::test {
namespace {

constexpr OrderId ring = OrderId{1} << 24;  // OrderPool::ring_size
constexpr int check_every = 500;
constexpr Ticks start_mid = 1'000'000;

/// splitmix64: tiny, and the same sequence on every platform and standard library.
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

struct Market {
  Market(OrderPool& pool, uint32_t id) : book_id(id), fast(pool, id) {}
  uint32_t book_id;
  OrderBook fast;
  ReferenceBook ref;
  Ticks mid = start_mid;
  std::vector<OrderId> live;  // may hold ids that have since left the book
};

struct Coverage {
  int fills = 0, stp_cancels = 0, stp_decrements = 0, taker_stp_ends = 0, ring_ids = 0,
      far_orders = 0, kept_priority = 0, unknown = 0;
};

class Differential {
 public:
  Differential(uint64_t seed, int ops) : rng_(seed), ops_(ops) {
    for (uint32_t id : {0u, 7u, 200u}) markets_.push_back(std::make_unique<Market>(pool_, id));
  }

  /// Runs the stream; returns the first divergence, or "" when none.
  std::string run() {
    for (int i = 0; i < ops_; ++i) {
      Market& m = *markets_[size_t(rng_.below(int64_t(markets_.size())))];
      if (rng_.percent(5)) m.mid += rng_.between(-1, 1);
      if (std::string err = step(m); !err.empty()) return "op " + std::to_string(i) + ": " + err;
      if ((i + 1) % check_every == 0 || i + 1 == ops_) {
        for (auto& mk : markets_) {
          if (std::string err = compare(*mk); !err.empty())
            return "after op " + std::to_string(i) + ", book " + std::to_string(mk->book_id) +
                   ": " + err;
        }
      }
    }
    return {};
  }

  const Coverage& coverage() const { return cov_; }

 private:
  OrderId fresh_id(Market& m) {
    // Now and then an id one or more turns of the pool's ring past a live one, so lookups go
    // through the ring's overflow while matching, cancelling and replacing.
    if (!m.live.empty() && rng_.percent(2)) {
      const OrderId base = m.live[size_t(rng_.below(int64_t(m.live.size())))];
      const OrderId id = base % ring + ring * OrderId(rng_.between(1, 3));
      if (used_.insert(id).second) {
        ++cov_.ring_ids;
        return id;
      }
    }
    OrderId id = next_id_++;
    used_.insert(id);
    return id;
  }

  Aggressor aggressor(OrderId id, Side side, Ticks limit, int64_t qty) {
    const AccountId account = AccountId(rng_.between(1, 6));
    const StpGroupId group = account >= 5 ? 9 : 0;  // accounts 5 and 6 are one STP party
    static constexpr StpMode modes[] = {StpMode::none,           StpMode::none,
                                        StpMode::cancel_resting, StpMode::cancel_aggressing,
                                        StpMode::cancel_both,    StpMode::decrement_and_cancel};
    return Aggressor{id, side, limit, qty, account, group, modes[rng_.below(6)]};
  }

  /// Matches on both books and rests the remainder when asked to; compares every step.
  std::string enter(Market& m, const Aggressor& a, bool rest) {
    StepRecorder fast_steps;
    std::vector<MatchStep> ref_steps;
    const MatchResult fr = m.fast.match(a, fast_steps);
    const MatchResult rr = m.ref.match(a, ref_steps);
    if (fast_steps.steps != ref_steps)
      return "match steps differ: " + describe(fast_steps.steps, ref_steps);
    if (fr.remaining != rr.remaining || fr.taker_stp_cancelled != rr.taker_stp_cancelled)
      return "match results differ";
    for (const MatchStep& s : ref_steps) {
      cov_.fills += s.kind == MatchStep::fill;
      cov_.stp_cancels += s.kind == MatchStep::stp_cancel;
      cov_.stp_decrements += s.kind == MatchStep::stp_decrement;
    }
    cov_.taker_stp_ends += rr.taker_stp_cancelled;
    if (rest && rr.remaining > 0 && !rr.taker_stp_cancelled) {
      m.fast.add(a.id, a.side, a.limit, rr.remaining, a.account, a.stp_group);
      m.ref.add(a.id, a.side, a.limit, rr.remaining, a.account, a.stp_group);
      m.live.push_back(a.id);
    }
    return {};
  }

  OrderId pick_live(Market& m) {
    if (m.live.empty() || rng_.percent(5)) {
      ++cov_.unknown;
      return next_id_ + 1'000'000;  // never used
    }
    const size_t i = size_t(rng_.below(int64_t(m.live.size())));
    return m.live[i];
  }

  void forget(Market& m, OrderId id) {
    auto it = std::find(m.live.begin(), m.live.end(), id);
    if (it != m.live.end()) {
      *it = m.live.back();
      m.live.pop_back();
    }
  }

  std::string step(Market& m) {
    const int64_t r = rng_.below(100);
    const Side side = rng_.percent(50) ? Side::buy : Side::sell;
    const int64_t qty = rng_.between(1, 100);
    auto near_price = [&](int64_t lo, int64_t hi) {  // distance from mid on the order's side
      const int64_t d = rng_.between(lo, hi);
      return side == Side::buy ? m.mid - d : m.mid + d;
    };
    if (r < 45) return enter(m, aggressor(fresh_id(m), side, near_price(-3, 30), qty), true);
    if (r < 55) return enter(m, aggressor(fresh_id(m), side, near_price(-10, 2), qty), false);
    if (r < 73) {
      const OrderId id = pick_live(m);
      const bool f = m.fast.remove(id), g = m.ref.remove(id);
      forget(m, id);
      return f == g ? "" : "remove(" + std::to_string(id) + ") differs";
    }
    if (r < 85) return replace(m);
    if (r < 90) {
      const OrderId id = pick_live(m);
      const int64_t q = rng_.between(-1, 60);
      return m.fast.reduce(id, q) == m.ref.reduce(id, q) ? "" : "reduce differs";
    }
    if (r < 94) return lookups(m);
    if (r < 98) {
      const Aggressor a = aggressor(0, side, near_price(-10, 5), qty * 3);
      const int64_t f = std::min(m.fast.fillable(a, a.qty), a.qty);
      return f == m.ref.fillable(a, a.qty) ? "" : "fillable differs";
    }
    // A resting order far from the market, so the level window keeps growing both ways.
    ++cov_.far_orders;
    const Ticks far = rng_.between(2'000, 20'000);
    const Ticks price = side == Side::buy ? m.mid - far : m.mid + far;
    if (m.ref.best_ask() && side == Side::buy && price >= *m.ref.best_ask()) return {};
    if (m.ref.best_bid() && side == Side::sell && price <= *m.ref.best_bid()) return {};
    const OrderId id = fresh_id(m);
    m.fast.add(id, side, price, qty, 1);
    m.ref.add(id, side, price, qty, 1);
    m.live.push_back(id);
    return {};
  }

  /// Replay rule op 4: same price and not larger reduces in place (0 removes); anything else
  /// removes and enters again as a new order with the same id and side (it may trade).
  std::string replace(Market& m) {
    const OrderId id = pick_live(m);
    const BookOrder* o = m.fast.find(id);
    const auto ro = m.ref.find(id);
    if (!o || !ro) return (!o && !ro) ? "" : "find differs before replace";
    if (m.fast.side_of(*o) != ro->side || m.fast.price_of(*o) != ro->price || o->qty != ro->qty)
      return "order " + std::to_string(id) + " differs before replace";
    // Half the replaces keep the price, so reductions in place happen often.
    const int64_t d = rng_.between(-3, 30);
    const Ticks new_price =
        rng_.percent(50) ? ro->price : (ro->side == Side::buy ? m.mid - d : m.mid + d);
    const int64_t new_qty = rng_.between(0, ro->qty + 10);
    if (ro->price == new_price && new_qty <= ro->qty) {
      ++cov_.kept_priority;
      if (new_qty == 0) {
        forget(m, id);
        return m.fast.remove(id) && m.ref.remove(id) ? "" : "remove on replace failed";
      }
      return m.fast.reduce(id, new_qty) && m.ref.reduce(id, new_qty) ? ""
                                                                     : "reduce on replace failed";
    }
    m.fast.remove(id);
    m.ref.remove(id);
    forget(m, id);
    return enter(m, aggressor(id, ro->side, new_price, std::max<int64_t>(new_qty, 1)), true);
  }

  std::string lookups(Market& m) {
    for (int k = 0; k < 4; ++k) {
      const OrderId id = k == 0 ? OrderId(rng_.between(1, int64_t(next_id_))) : pick_live(m);
      const BookOrder* o = m.fast.find(id);
      const auto ro = m.ref.find(id);
      if (bool(o) != bool(ro)) return "find(" + std::to_string(id) + ") presence differs";
      if (o &&
          (m.fast.side_of(*o) != ro->side || m.fast.price_of(*o) != ro->price || o->qty != ro->qty))
        return "find(" + std::to_string(id) + ") differs";
    }
    return {};
  }

  static std::string compare(const Market& m) {
    if (std::string err = m.fast.validate_internal_state(); !err.empty())
      return "self-check: " + err;
    if (m.fast.best_bid() != m.ref.best_bid() || m.fast.best_ask() != m.ref.best_ask())
      return "best prices differ";
    if (m.fast.order_count() != m.ref.size()) return "order counts differ";
    for (Side s : {Side::buy, Side::sell}) {
      if (levels_of(m.fast, s) != m.ref.levels(s)) return "levels differ";
      if (orders_of(m.fast, s) != m.ref.orders(s)) return "orders differ";
    }
    return {};
  }

  static std::string describe(const std::vector<MatchStep>& a, const std::vector<MatchStep>& b) {
    std::ostringstream os;
    os << "fast [";
    for (const auto& s : a) os << s << ' ';
    os << "] reference [";
    for (const auto& s : b) os << s << ' ';
    os << ']';
    return os.str();
  }

  Rng rng_;
  int ops_;
  OrderPool pool_{1 << 18};
  std::vector<std::unique_ptr<Market>> markets_;
  std::unordered_set<OrderId> used_;
  OrderId next_id_ = 1;
  Coverage cov_;
};

TEST(OrderBookDifferential, MatchesTheReferenceBookOverARandomStream) {
  Differential d(20240601, 50'000);
  EXPECT_EQ(d.run(), "");
  // The stream must have reached every path it exists to check.
  const Coverage& c = d.coverage();
  EXPECT_GT(c.fills, 5'000);
  EXPECT_GT(c.stp_cancels, 100);
  EXPECT_GT(c.stp_decrements, 100);
  EXPECT_GT(c.taker_stp_ends, 100);
  EXPECT_GT(c.ring_ids, 100);
  EXPECT_GT(c.far_orders, 500);
  EXPECT_GT(c.kept_priority, 100);
  EXPECT_GT(c.unknown, 100);
}

TEST(OrderBookDifferential, ASecondSeedAgrees) {
  Differential d(7, 20'000);
  EXPECT_EQ(d.run(), "");
}

}  // namespace
}  // namespace qd::test
