// Microbenchmarks of the order book's primitive operations on a warm book of realistic depth.
// Run: build/release/bin/qd-bench-book  (Google Benchmark flags apply)

#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <vector>

#include "engine/order_book.hpp"

namespace {

struct NoopHandler {
  int64_t filled = 0;
  void on_fill(const qd::BookOrder&, qd::Ticks, int64_t q, bool) { filled += q; }
  void on_self_trade_cancel(const qd::BookOrder&) {}
  void on_self_trade_decrement(const qd::BookOrder&, int64_t, bool) {}
};

constexpr qd::Ticks mid = 100'000;

/// A book with `depth` resting orders per side spread over 200 levels around mid.
struct WarmBook {
  qd::OrderPool pool{size_t{1} << 22};
  qd::OrderBook book{pool, 0};
  qd::OrderId next_id = 1;
  std::mt19937_64 rng{42};

  explicit WarmBook(int depth) {
    for (int i = 0; i < depth; ++i) {
      book.add(next_id++, qd::Side::buy, mid - 1 - qd::Ticks(rng() % 200), 10, 1);
      book.add(next_id++, qd::Side::sell, mid + 1 + qd::Ticks(rng() % 200), 10, 2);
    }
  }
};

void BM_AddThenCancel(benchmark::State& state) {
  WarmBook w(int(state.range(0)));
  for (auto _ : state) {
    const qd::OrderId id = w.next_id++;
    w.book.add(id, qd::Side::buy, mid - 1 - qd::Ticks(id % 200), 10, 3);
    w.book.remove(id);
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_AddThenCancel)->Arg(1'000)->Arg(100'000);

void BM_CancelRandom(benchmark::State& state) {
  WarmBook w(int(state.range(0)));
  std::vector<qd::OrderId> live;
  for (qd::OrderId id = 1; id < w.next_id; ++id) live.push_back(id);
  for (auto _ : state) {
    const size_t i = w.rng() % live.size();
    const qd::OrderId victim = live[i];
    const qd::Side side = (victim & 1) ? qd::Side::buy : qd::Side::sell;
    w.book.remove(victim);
    // Replace it so the book keeps its depth.
    const qd::OrderId id = w.next_id++;
    w.book.add(id, side, side == qd::Side::buy ? mid - 1 - qd::Ticks(id % 200) : mid + 1 + qd::Ticks(id % 200), 10, 1);
    live[i] = id;
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_CancelRandom)->Arg(1'000)->Arg(100'000);

void BM_MatchOneLevel(benchmark::State& state) {
  WarmBook w(int(state.range(0)));
  NoopHandler h;
  for (auto _ : state) {
    // Take 10 lots at the best ask, then put the liquidity back at the same price.
    const qd::Ticks best = *w.book.best_ask();
    qd::Aggressor a{w.next_id++, qd::Side::buy, best, 10, 9, 0, qd::StpMode::none};
    benchmark::DoNotOptimize(w.book.match(a, h));
    w.book.add(w.next_id++, qd::Side::sell, best, 10, 2);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MatchOneLevel)->Arg(1'000)->Arg(100'000);

void BM_SweepTenLevels(benchmark::State& state) {
  WarmBook w(int(state.range(0)));
  NoopHandler h;
  // Each iteration sweeps 100 orders over 10 levels and adds them back (200 operations).
  for (auto _ : state) {
    const qd::Ticks best = *w.book.best_ask();
    qd::Aggressor a{w.next_id++, qd::Side::buy, best + 9, 1'000, 9, 0, qd::StpMode::none};
    benchmark::DoNotOptimize(w.book.match(a, h));
    for (qd::Ticks p = best; p < best + 10; ++p) {
      for (int k = 0; k < 10; ++k) w.book.add(w.next_id++, qd::Side::sell, p, 10, 2);
    }
  }
  state.SetItemsProcessed(state.iterations() * 200);
}
BENCHMARK(BM_SweepTenLevels)->Arg(1'000);

void BM_ReduceKeepsPriority(benchmark::State& state) {
  WarmBook w(int(state.range(0)));
  const qd::OrderId id = w.next_id++;
  w.book.add(id, qd::Side::buy, mid - 5, int64_t{1} << 40, 1);
  int64_t q = int64_t{1} << 40;
  for (auto _ : state) benchmark::DoNotOptimize(w.book.reduce(id, --q));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReduceKeepsPriority)->Arg(100'000);

void BM_ReplaceNewPrice(benchmark::State& state) {
  WarmBook w(int(state.range(0)));
  qd::OrderId id = w.next_id++;
  w.book.add(id, qd::Side::buy, mid - 5, 10, 1);
  qd::Ticks p = mid - 5;
  for (auto _ : state) {
    w.book.remove(id);
    p = p == mid - 5 ? mid - 6 : mid - 5;
    w.book.add(id, qd::Side::buy, p, 10, 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReplaceNewPrice)->Arg(100'000);

}  // namespace

BENCHMARK_MAIN();
