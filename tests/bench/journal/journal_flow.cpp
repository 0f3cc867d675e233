#include "tests/bench/journal/journal_flow.hpp"

#include "risk/account.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace qd::bench {

namespace {

constexpr int64_t depth_ticks =
    50;  // how far from the mid passive orders rest (the `mixed` profile)

Price px(int64_t ticks) {
  return Price(ticks * flow_tick_raw);
}
Qty lots(int64_t n) {
  return Qty(n * flow_lot_raw);
}

NewOrder new_order(AccountId account, uint64_t n, Side side, int64_t ticks, int64_t qty_lots,
                   TimeInForce tif) {
  NewOrder o;
  o.origin = {account, account};
  o.market = 0;
  o.client_id.assign("n" + std::to_string(n));
  o.side = side;
  o.tif = tif;
  o.price = px(ticks);
  o.qty = lots(qty_lots);
  return o;
}

CancelOrder cancel(AccountId account, uint64_t n, OrderId id) {
  CancelOrder c;
  c.origin = {account, account};
  c.ref.order_id = id;
  c.client_id.assign("x" + std::to_string(n));
  return c;
}

ReplaceOrder replace(AccountId account, uint64_t n, OrderId id, Side side, int64_t ticks,
                     Qty total) {
  ReplaceOrder r;
  r.origin = {account, account};
  r.ref.order_id = id;
  r.client_id.assign("r" + std::to_string(n));
  r.side = side;
  r.price = px(ticks);
  r.qty = total;
  return r;
}

Qty filled_so_far(const Exchange& ex, OrderId id) {
  const OrderRecord* r = ex.order(id);
  return r ? r->state.cum_qty : Qty(0);
}

#pragma pack(push, 1)
struct QdwlHeader {
  char magic[4];
  uint32_t version;
  uint64_t count;
};
struct QdwlRecord {
  uint8_t op, side, flags, market;
  uint32_t account;
  uint64_t order_id;
  int64_t price, qty;
};
#pragma pack(pop)
static_assert(sizeof(QdwlHeader) == 16 && sizeof(QdwlRecord) == 32);

class WorkloadSource final : public FlowSource {
 public:
  explicit WorkloadSource(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    QdwlHeader h{};
    if (!f.read(reinterpret_cast<char*>(&h), sizeof h) || std::memcmp(h.magic, "QDWL", 4) != 0 ||
        h.version != 1)
      throw std::runtime_error(path + ": not a QDWL v1 workload");
    records_.resize(h.count);
    if (!f.read(reinterpret_cast<char*>(records_.data()),
                std::streamsize(h.count * sizeof(QdwlRecord))))
      throw std::runtime_error(path + ": truncated");
  }

  bool next(const Exchange& ex, CommandBody& out) override {
    if (pos_ == records_.size()) return false;
    const QdwlRecord& r = records_[pos_];
    const uint64_t n = ++pos_;
    const Side side = r.side == 1 ? Side::buy : Side::sell;
    const OrderRecord* known = ex.order(r.order_id);
    const AccountId owner = known ? known->state.origin.account : r.account;
    switch (r.op) {
      case 1:
        out = new_order(r.account, n, side, r.price, r.qty, TimeInForce::gtc);
        break;
      case 3:
        out = new_order(r.account, n, side, r.price, r.qty, TimeInForce::ioc);
        break;
      case 2:
        out = cancel(owner, n, r.order_id);
        break;
      case 4:
        out = replace(owner, n, r.order_id, side, r.price,
                      filled_so_far(ex, r.order_id) + lots(r.qty));
        break;
      default:
        throw std::runtime_error("workload record " + std::to_string(n) + ": bad op");
    }
    return true;
  }

 private:
  std::vector<QdwlRecord> records_;
  size_t pos_ = 0;
};

class SyntheticSource final : public FlowSource {
 public:
  SyntheticSource(uint64_t commands, uint64_t seed) : rng_(seed), left_(commands) {}

  bool next(const Exchange& ex, CommandBody& out) override {
    if (left_ == 0) return false;
    --left_;
    const uint64_t n = ++count_;
    if (uniform() < 0.01) mid_ = std::max(depth_ticks + 10, mid_ + (rng_() % 2 ? 1 : -1));
    const double r = uniform();
    const AccountId account = AccountId(1 + rng_() % 100);
    static constexpr int64_t sizes[] = {1, 1, 1, 2, 3, 5, 10, 20, 50, 100};
    const int64_t qty = sizes[rng_() % std::size(sizes)];
    const Side side = rng_() % 2 ? Side::buy : Side::sell;
    if (r < 0.60 || live_.empty()) {
      const int64_t ticks = passive_price(side);
      out = new_order(account, n, side, ticks, qty, TimeInForce::gtc);
      live_.push_back({ex.next_order_id(), side, account});
    } else if (r < 0.85) {
      const size_t i = rng_() % live_.size();
      const Live o = live_[i];
      live_[i] = live_.back();
      live_.pop_back();
      out = cancel(o.account, n, o.id);
    } else if (r < 0.90) {
      const int64_t cross = int64_t(1 + rng_() % 5);
      static constexpr int64_t boosts[] = {1, 1, 2, 5};
      const int64_t ticks = side == Side::buy ? mid_ + cross : mid_ - cross;
      out = new_order(account, n, side, ticks, qty * boosts[rng_() % 4], TimeInForce::ioc);
    } else {
      const Live& o = live_[rng_() % live_.size()];
      out = replace(o.account, n, o.id, o.side, passive_price(o.side),
                    filled_so_far(ex, o.id) + lots(qty));
    }
    return true;
  }

 private:
  struct Live {
    OrderId id;
    Side side;
    AccountId account;
  };
  double uniform() { return double(rng_() >> 11) * 0x1.0p-53; }
  /// Exponentially distributed distance from the mid (mean depth/10), capped at the depth.
  int64_t passive_price(Side side) {
    const double mean = double(depth_ticks) / 10;
    const int64_t dist =
        std::min<int64_t>(depth_ticks, int64_t(-std::log(1 - uniform()) * mean) + 1);
    return side == Side::buy ? mid_ - dist : mid_ + dist;
  }

  std::mt19937_64 rng_;
  uint64_t left_;
  uint64_t count_ = 0;
  int64_t mid_ = flow_mid_ticks;
  std::vector<Live> live_;  // may still rest (a superset: fills are not tracked)
};

}  // namespace

ExchangeSpec flow_exchange_spec(uint32_t accounts) {
  ExchangeSpec spec;
  MarketSpec m;
  m.symbol = "BTC-PERP";
  m.tick_size = Price(flow_tick_raw);
  m.lot_size = Qty(flow_lot_raw);
  m.min_size = Qty(flow_lot_raw);
  m.min_notional = Quote(1 * QUOTE_PRECISION);
  m.max_order_size = Qty(100 * QTY_PRECISION);
  m.price_band_bps = 500;
  spec.markets.push_back(m);
  spec.risk.push_back(risk::MarketRiskParams{});
  for (AccountId a = 1; a <= accounts; ++a)
    spec.accounts.push_back(AccountSpec{a, StpMode::cancel_resting, 0, 1'000'000, true});
  return spec;
}

std::unique_ptr<FlowSource> workload_source(const std::string& path) {
  return std::make_unique<WorkloadSource>(path);
}

std::unique_ptr<FlowSource> synthetic_source(uint64_t commands, uint64_t seed) {
  return std::make_unique<SyntheticSource>(commands, seed);
}

FlowDriver::FlowDriver(std::unique_ptr<FlowSource> source)
    : source_(std::move(source)), exchange_(std::make_unique<Exchange>(flow_exchange_spec())) {
  const ExchangeSpec spec = flow_exchange_spec();
  opening_.push_back(SetOraclePrice{0, px(flow_mid_ticks), Price(0), flow_epoch_ns, false});
  for (auto it = spec.accounts.rbegin(); it != spec.accounts.rend(); ++it)
    opening_.push_back(Deposit{it->id, Quote(1'000'000'000 * QUOTE_PRECISION)});  // 1bn USDC
  opening_.push_back(Deposit{risk::INSURANCE_FUND_ACCOUNT, Quote(10'000'000 * QUOTE_PRECISION)});
}

bool FlowDriver::step(Command& command, std::vector<Event>& events) {
  CommandBody body;
  const TimestampNs ts = flow_epoch_ns + TimestampNs(seq_ + 1) * flow_step_ns;
  if (!opening_.empty()) {
    body = std::move(opening_.back());
    opening_.pop_back();
  } else if (++since_oracle_ == flow_oracle_every) {
    body = SetOraclePrice{0, px(flow_mid_ticks), Price(0), ts, false};
    since_oracle_ = 0;
  } else if (!source_->next(*exchange_, body)) {
    return false;
  }
  ++seq_;
  command = Command{seq_, ts, std::move(body)};
  const size_t before = events.size();
  exchange_->process(command, events);
  for (size_t i = before; i < events.size(); ++i)
    if (std::holds_alternative<OrderRejected>(events[i].body)) ++rejected_;
  return true;
}

}  // namespace qd::bench
