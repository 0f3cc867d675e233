// The sequencer's pipeline: the engine matches the next commands while a commit runs, yet every
// event leaves only after the transaction holding its command committed, batches are committed
// and published in sequence order and never exceed max_batch, a lone command never waits for the
// group-commit delay, and a failed commit acknowledges nothing after it.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "engine/sequencer.hpp"
#include "engine/sqlite_journal.hpp"

namespace qd {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

ExchangeSpec one_market() {
  ExchangeSpec spec;
  MarketSpec btc;
  btc.symbol = "BTC-PERP";
  btc.tick_size = Price(100'000);  // 0.1
  btc.lot_size = Qty(100'000);     // 0.0001
  btc.min_size = Qty(100'000);
  spec.markets = {btc};
  spec.accounts.push_back(AccountSpec{1, StpMode::cancel_resting, 0, 1000, true});
  return spec;
}

/// Resting buys at distinct prices: each is accepted (one event or more per command).
NewOrder order(size_t i) {
  NewOrder o;
  o.origin = {1, 1};
  o.market = 0;
  o.client_id.assign("c" + std::to_string(i));
  o.side = Side::buy;
  o.tif = TimeInForce::gtc;
  o.price = Price(int64_t(40'000 + i % 1000) * PRICE_PRECISION);
  o.qty = Qty(100'000);
  return o;
}

/// The real SQLite journal behind a gate the test opens, recording each transaction's commands.
class GatedJournal : public Journal {
 public:
  explicit GatedJournal(const std::string& path) : inner_(path) {}
  SeqNo last_seq() const override {
    std::lock_guard lock(mu_);
    return committed_;
  }
  void append(std::span<const Command> commands, std::span<const Event> events) override {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    if (fail_at_ != 0 && batches_.size() + 1 == fail_at_) throw std::runtime_error("disk full");
    inner_.append(commands, events);
    std::vector<SeqNo> seqs;
    for (const Command& c : commands) seqs.push_back(c.seq);
    batches_.push_back(seqs);
    committed_ = commands.back().seq;
  }
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait_entered(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return entered_ >= n; });
  }
  std::vector<std::vector<SeqNo>> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  size_t fail_at_ = 0;  ///< the n-th append (1-based) throws; set before start

 private:
  SqliteJournal inner_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  size_t entered_ = 0;
  SeqNo committed_ = 0;
  std::vector<std::vector<SeqNo>> batches_;
};

/// Records what it is given, and whether each event's command had committed by then.
struct Recorder : EventListener {
  const GatedJournal* journal = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<SeqNo> seqs;
  bool all_committed = true;
  void on_events(std::span<const Event> events) override {
    const SeqNo committed = journal->last_seq();
    std::lock_guard lock(mu);
    for (const Event& e : events) {
      if (e.seq > committed) all_committed = false;
      seqs.push_back(e.seq);
    }
    cv.notify_all();
  }
  size_t count() {
    std::lock_guard lock(mu);
    return seqs.size();
  }
  bool wait_for_seq(SeqNo seq, std::chrono::seconds timeout) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return !seqs.empty() && seqs.back() >= seq; });
  }
};

class SequencerPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("qd-seq-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path() const { return (dir_ / "j.db").string(); }
  fs::path dir_;
};

TEST_F(SequencerPipelineTest, EngineMatchesAheadButEventsWaitForTheirCommit) {
  Exchange ex(one_market());
  GatedJournal j(path());
  Recorder rec;
  rec.journal = &j;
  SequencerOptions o;
  o.max_batch = 4;
  Sequencer seq(ex, &j, o);
  seq.add_listener(&rec);
  seq.start();
  ASSERT_TRUE(seq.try_submit(order(0)));
  ASSERT_TRUE(j.wait_entered(1));  // the first commit is running (held at the gate)
  for (size_t i = 1; i <= 6; ++i) ASSERT_TRUE(seq.try_submit(order(i)));
  // The engine is not blocked by the commit: it processes what arrived meanwhile, up to
  // max_batch commands staged behind the running commit; the rest waits in the queue.
  size_t open_orders = 0;
  for (int tries = 0; tries < 2000 && open_orders < 5; ++tries) {
    seq.run_on_engine([&](const Exchange& e) { open_orders = e.live_orders(); });
    if (open_orders < 5) std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(open_orders, 5u);
  std::this_thread::sleep_for(20ms);
  seq.run_on_engine([&](const Exchange& e) { open_orders = e.live_orders(); });
  EXPECT_EQ(open_orders, 5u);
  EXPECT_EQ(seq.queue_depth(), 2u);
  // Nothing of it, nor of the running commit, has reached a listener.
  EXPECT_EQ(rec.count(), 0u);
  EXPECT_EQ(seq.last_seq(), 0u);
  j.open();
  seq.stop();
  EXPECT_TRUE(rec.all_committed);
  EXPECT_TRUE(std::is_sorted(rec.seqs.begin(), rec.seqs.end()));
  ASSERT_FALSE(rec.seqs.empty());
  EXPECT_EQ(rec.seqs.front(), 1u);
  EXPECT_EQ(rec.seqs.back(), 7u);
  EXPECT_EQ(seq.last_seq(), 7u);
  // Transactions in sequence order, contiguous, none above max_batch: order 1 alone, the four
  // staged behind it, then the two that waited in the queue.
  const auto batches = j.batches();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0], std::vector<SeqNo>{1});
  EXPECT_EQ(batches[1], (std::vector<SeqNo>{2, 3, 4, 5}));
  EXPECT_EQ(batches[2], (std::vector<SeqNo>{6, 7}));
  SeqNo expect = 1;
  for (const auto& b : batches) {
    EXPECT_LE(b.size(), 4u);
    for (SeqNo s : b) EXPECT_EQ(s, expect++);
  }
  EXPECT_EQ(expect, 8u);
}

TEST_F(SequencerPipelineTest, ALoneCommandDoesNotWaitForTheGroupCommitDelay) {
  Exchange ex(one_market());
  GatedJournal j(path());
  j.open();
  Recorder rec;
  rec.journal = &j;
  SequencerOptions o;
  o.batch_max_delay_ns = 60'000'000'000;  // a minute: only reached if the sequencer waits
  Sequencer seq(ex, &j, o);
  seq.add_listener(&rec);
  seq.start();
  ASSERT_TRUE(seq.try_submit(order(0)));
  EXPECT_TRUE(rec.wait_for_seq(1, 20s));
  ASSERT_TRUE(seq.try_submit(order(1)));
  EXPECT_TRUE(rec.wait_for_seq(2, 20s));
  seq.stop();
  EXPECT_TRUE(rec.all_committed);
}

TEST_F(SequencerPipelineTest, ManyCommandsCommitInOrderInBoundedBatches) {
  Exchange ex(one_market());
  GatedJournal j(path());
  j.open();
  Recorder rec;
  rec.journal = &j;
  SequencerOptions o;
  o.max_batch = 8;
  o.batch_max_delay_ns = 200'000;
  Sequencer seq(ex, &j, o);
  seq.add_listener(&rec);
  seq.start();
  constexpr size_t n = 3000;
  for (size_t i = 0; i < n; ++i) ASSERT_TRUE(seq.try_submit(order(i)));
  seq.stop();
  EXPECT_TRUE(rec.all_committed);
  EXPECT_TRUE(std::is_sorted(rec.seqs.begin(), rec.seqs.end()));
  SeqNo expect = 1;
  for (const auto& b : j.batches()) {
    EXPECT_LE(b.size(), 8u);
    for (SeqNo s : b) EXPECT_EQ(s, expect++);
  }
  EXPECT_EQ(expect, SeqNo(n + 1));
  EXPECT_EQ(seq.last_seq(), SeqNo(n));
  // The real journal holds them all.
  SqliteJournal reread(path());
  EXPECT_EQ(reread.last_seq(), SeqNo(n));
}

TEST_F(SequencerPipelineTest, AFailedCommitAcknowledgesNothingAfterIt) {
  Exchange ex(one_market());
  GatedJournal j(path());
  j.fail_at_ = 2;
  Recorder rec;
  rec.journal = &j;
  SequencerOptions o;
  o.max_batch = 2;
  Sequencer seq(ex, &j, o);
  seq.add_listener(&rec);
  seq.start();
  ASSERT_TRUE(seq.try_submit(order(0)));
  ASSERT_TRUE(j.wait_entered(1));
  for (size_t i = 1; i <= 5; ++i) ASSERT_TRUE(seq.try_submit(order(i)));
  j.open();  // batch 1 = {1} commits, batch 2 fails
  for (int tries = 0; tries < 5000 && !seq.failed(); ++tries) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(seq.failed());
  EXPECT_FALSE(seq.try_submit(order(6)));
  // Admin reads still return once the engine stopped.
  bool ran = false;
  seq.run_on_engine([&](const Exchange&) { ran = true; });
  EXPECT_TRUE(ran);
  seq.stop();
  EXPECT_TRUE(rec.all_committed);
  for (SeqNo s : rec.seqs) EXPECT_EQ(s, 1u);
  EXPECT_EQ(seq.last_seq(), 1u);
  ASSERT_EQ(j.batches().size(), 1u);
}

}  // namespace
}  // namespace qd
