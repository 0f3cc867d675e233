// qd-bench-replay: replays a ../shared/bench workload through the engine's order book and prints
// one key=value line in refbook's form, so results and throughput compare line by line.
//
//   qd-bench-replay FILE              throughput and result hashes (timed like refbook)
//   qd-bench-replay --latency FILE    also per-operation latency percentiles (a second pass)

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/order_book.hpp"

namespace {

#pragma pack(push, 1)
struct Header {
  char magic[4];
  uint32_t version;
  uint64_t count;
};
struct Record {
  uint8_t op, side, flags, market;
  uint32_t account;
  uint64_t order_id;
  int64_t price, qty;
};
#pragma pack(pop)
static_assert(sizeof(Header) == 16 && sizeof(Record) == 32);

struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void add(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  }
};

struct Totals {
  uint64_t fills = 0, filled_qty = 0, unknown = 0;
  Fnv fill_hash;
};

// Folds every fill into the published figures; self-trade prevention is off in replays.
struct FillCounter {
  Totals& t;
  uint64_t taker = 0;
  void on_fill(const qd::BookOrder& maker, qd::Ticks price, int64_t qty, bool) {
    ++t.fills;
    t.filled_qty += uint64_t(qty);
    t.fill_hash.add(maker.id);
    t.fill_hash.add(taker);
    t.fill_hash.add(uint64_t(price));
    t.fill_hash.add(uint64_t(qty));
  }
  void on_self_trade_cancel(const qd::BookOrder&) {}
  void on_self_trade_decrement(const qd::BookOrder&, int64_t, bool) {}
};

struct Replay {
  qd::OrderPool pool;
  std::vector<std::unique_ptr<qd::OrderBook>> books;
  Totals t;

  Replay() {
    books.resize(256);
    for (size_t m = 0; m < books.size(); ++m) books[m] = std::make_unique<qd::OrderBook>(pool, m);
  }

  void add(qd::OrderBook& b, const Record& r, qd::Side side, int64_t price, int64_t qty, bool rest) {
    FillCounter h{t, r.order_id};
    qd::Aggressor a{r.order_id, side, price, qty, r.account, 0, qd::StpMode::none};
    qd::MatchResult m = b.match(a, h);
    if (rest && m.remaining > 0) b.add(r.order_id, side, price, m.remaining, r.account);
  }

  void apply(const Record& r) {
    qd::OrderBook& b = *books[r.market];
    const qd::Side side = r.side == 1 ? qd::Side::buy : qd::Side::sell;
    switch (r.op) {
      case 1: add(b, r, side, r.price, r.qty, true); break;
      case 2:
        if (!b.remove(r.order_id)) ++t.unknown;
        break;
      case 3: add(b, r, side, r.price, r.qty, false); break;
      case 4: {
        const qd::BookOrder* o = b.find(r.order_id);
        if (!o) {
          ++t.unknown;
          break;
        }
        if (b.price_of(*o) == r.price && r.qty <= o->qty) {
          if (r.qty == 0) b.remove(r.order_id); else b.reduce(r.order_id, r.qty);
          break;
        }
        const qd::Side old_side = b.side_of(*o);
        b.remove(r.order_id);
        add(b, r, old_side, r.price, r.qty, true);
        break;
      }
      default: std::fprintf(stderr, "bad op %u\n", r.op); std::exit(2);
    }
  }
};

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  bool latency = false;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--latency") == 0) latency = true; else path = argv[i];
  }
  if (!path) {
    std::fprintf(stderr, "usage: %s [--latency] WORKLOAD.qdwl\n", argv[0]);
    return 2;
  }
  std::ifstream f(path, std::ios::binary);
  Header h{};
  if (!f.read(reinterpret_cast<char*>(&h), sizeof h) || std::memcmp(h.magic, "QDWL", 4) != 0 ||
      h.version != 1) {
    std::fprintf(stderr, "%s: not a QDWL v1 workload\n", path);
    return 2;
  }
  std::vector<Record> recs(h.count);
  if (!f.read(reinterpret_cast<char*>(recs.data()), std::streamsize(h.count * sizeof(Record)))) {
    std::fprintf(stderr, "%s: truncated\n", path);
    return 2;
  }

  auto replay = std::make_unique<Replay>();
  // As the sequencer does with a drained batch (Exchange::prefetch), look a few commands ahead
  // and start loading the index entries of the orders that cancels and replaces will name.
  constexpr size_t lookahead = 16;
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < recs.size(); ++i) {
    if (i + lookahead < recs.size()) {
      const Record& ahead = recs[i + lookahead];
      if (ahead.op == 2 || ahead.op == 4) replay->books[ahead.market]->prefetch(ahead.order_id);
    }
    replay->apply(recs[i]);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Totals& t = replay->t;

  uint64_t resting = 0, resting_qty = 0;
  Fnv book_hash;
  for (size_t m = 0; m < replay->books.size(); ++m) {
    const qd::OrderBook& book = *replay->books[m];
    auto fold = [&](const qd::BookOrder& o) {
      ++resting;
      resting_qty += uint64_t(o.qty);
      book_hash.add(m);
      book_hash.add(o.id);
      book_hash.add(uint64_t(book.price_of(o)));
      book_hash.add(uint64_t(o.qty));
    };
    replay->books[m]->for_each_order(qd::Side::buy, fold);
    replay->books[m]->for_each_order(qd::Side::sell, fold);
  }
  std::printf(
      "ops=%llu seconds=%.6f ops_per_s=%.0f fills=%llu filled_qty=%llu fill_hash=%016llx "
      "resting=%llu resting_qty=%llu unknown=%llu book_hash=%016llx peak_rss_kb=%ld\n",
      (unsigned long long)h.count, secs, double(h.count) / secs, (unsigned long long)t.fills,
      (unsigned long long)t.filled_qty, (unsigned long long)t.fill_hash.h,
      (unsigned long long)resting, (unsigned long long)resting_qty, (unsigned long long)t.unknown,
      (unsigned long long)book_hash.h, peak_rss_kb());

  if (latency) {
    // A second, fresh replay timing each operation on its own; clock reads add ~20 ns each.
    replay = std::make_unique<Replay>();
    std::vector<uint32_t> ns(recs.size());
    for (size_t i = 0; i < recs.size(); ++i) {
      auto a = std::chrono::steady_clock::now();
      replay->apply(recs[i]);
      auto b = std::chrono::steady_clock::now();
      ns[i] = uint32_t(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
    }
    std::sort(ns.begin(), ns.end());
    auto pct = [&](double p) { return ns[std::min(ns.size() - 1, size_t(p * double(ns.size())))]; };
    std::printf("latency_ns p50=%u p99=%u p99.9=%u max=%u\n", pct(0.50), pct(0.99), pct(0.999),
                ns.back());
  }
  return 0;
}
