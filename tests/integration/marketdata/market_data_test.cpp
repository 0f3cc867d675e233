// Market data end to end: the real venue (journal, engine, sequencer, gateway) on loopback, real
// QuickFIX initiators subscribing and trading, and a raw socket that stops reading.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "tests/integration/marketdata/md_client.hpp"

namespace qd::fix::test {
namespace {

/// Market-data sessions next to the test venue's: MD_1 and MD_2 (initiators), MD_SLOW (raw).
void add_md_sessions(VenueConfig& c) {
  for (const char* name : {"MD_1", "MD_2", "MD_SLOW"}) {
    SessionConfig md = session(name, std::string(name) + "-pass", {});
    md.role = SessionRole::market_data;
    md.cancel_on_disconnect = false;
    md.throttle->messages_per_second = 10000;
    md.throttle->burst = 10000;
    c.sessions.push_back(md);
  }
}

std::unique_ptr<Initiator> connect_md(VenueHarness& v, const std::string& name) {
  InitiatorOptions o = v.options(name);
  o.password = name + "-pass";
  return v.connect(o);
}

FIX::Message expect(Initiator& i, const std::function<bool(const FIX::Message&)>& pred,
                    const std::string& what) {
  std::optional<FIX::Message> m = i.wait_for(pred, 10s);
  if (!m) throw std::runtime_error("timed out waiting for " + what);
  return *m;
}

std::function<bool(const FIX::Message&)> md_reject(const std::string& id) {
  return [=](const FIX::Message& m) { return field(m, 35) == "Y" && field(m, 262) == id; };
}

/// Lets the market data service see every event committed so far, then publishes a round.
void settle(VenueHarness& v) {
  std::this_thread::sleep_for(100ms);
  v.venue().market_data().publish_now();
}

TEST(MarketData, SnapshotCarriesLevelsLastTradeAndStatistics) {
  VenueHarness v(add_md_sessions);
  auto a = v.connect("DESK_A");
  auto b = v.connect("DESK_B");
  auto md = connect_md(v, "MD_1");
  for (auto [cl, side, qty, px] :
       {std::tuple{"b1", '1', "0.5", "49990"}, std::tuple{"b2", '1', "0.25", "49990"},
        std::tuple{"b3", '1', "1", "49980"}, std::tuple{"s1", '2', "0.3", "50010"}}) {
    FIX::Message o = limit(cl, side, qty, px);
    a->send(o);
    expect(*a, er(cl, '0'), cl);
  }
  FIX::Message rest = limit("s2", '2', "0.1", "50000");
  b->send(rest);
  expect(*b, er("s2", '0'), "s2");
  FIX::Message take = limit("t1", '1', "0.1", "50000", '3');
  a->send(take);
  expect(*a, er("t1", 'F'), "t1 fill");
  settle(v);

  FIX::Message req = md_request("snap-1", '0', "0", "0123Cm", {"BTC-PERP"});
  ASSERT_TRUE(md->send(req));
  FIX::Message w = expect(*md, type_is("W"), "snapshot");
  EXPECT_EQ(field(w, 262), "snap-1");
  EXPECT_EQ(field(w, 55), "BTC-PERP");
  std::vector<std::string> rows;
  for (size_t i = 1; i <= w.groupCount(268); ++i) {
    FIX::Group g(268, 269);
    w.getGroup(i, g);
    std::string row = MdMirror::field_of(g, 269) + " " + MdMirror::field_of(g, 270) + " " +
                      MdMirror::field_of(g, 271) + " " + MdMirror::field_of(g, 346);
    if (MdMirror::field_of(g, 269) == "2")
      row += " " + MdMirror::field_of(g, tag::AggressorSide) + " " +
             std::to_string(!MdMirror::field_of(g, tag::TradeID).empty());
    if (MdMirror::field_of(g, 269) == "m")
      row = "m " + std::to_string(!MdMirror::field_of(g, 270).empty());
    rows.push_back(row);
  }
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "0 49990 0.75 2", "0 49980 1 1",  // bids, best first, aggregated
                      "1 50010 0.3 1",                  // the offer at 50000 was taken
                      "2 50000 0.1  1 1",               // last trade: 0.1 at 50000, buyer took
                      "3 50000  ",                      // oracle (index) price
                      "m 1",                            // mark price
                      "C  0.1 ",                        // open interest: DESK_A long 0.1
                  }));
  // A snapshot request leaves no subscription behind.
  FIX::Message more = limit("b4", '1', "0.1", "49970");
  a->send(more);
  expect(*a, er("b4", '0'), "b4");
  settle(v);
  EXPECT_FALSE(md->wait_for(type_is("X"), 300ms).has_value());
  stop_all({a.get(), b.get(), md.get()});
}

TEST(MarketData, RejectsNameTheReason) {
  VenueHarness v(add_md_sessions);
  auto md = connect_md(v, "MD_1");
  auto a = v.connect("DESK_A");  // order entry without allow_market_data
  auto dc = v.connect("COMPLIANCE");

  FIX::Message unknown = md_request("u1", '1', "0", "01", {"DOGE-PERP"});
  md->send(unknown);
  FIX::Message y = expect(*md, md_reject("u1"), "unknown symbol reject");
  EXPECT_EQ(field(y, 281), "0");
  EXPECT_NE(field(y, 58).find("DOGE-PERP"), std::string::npos);

  FIX::Message opening = md_request("u2", '1', "0", "04", {"BTC-PERP"});
  md->send(opening);
  y = expect(*md, md_reject("u2"), "unsupported entry type reject");
  EXPECT_EQ(field(y, 281), "8");

  FIX::Message sub = md_request("u3", '1', "0", "01", {"BTC-PERP"});
  md->send(sub);
  expect(*md, type_is("W"), "u3 snapshot");
  md->send(sub);
  y = expect(*md, md_reject("u3"), "duplicate");
  EXPECT_EQ(field(y, 281), "1");
  FIX::Message unsub = md_request("u3", '2', "0", "01", {"BTC-PERP"});
  md->send(unsub);
  FIX::Message unsub_again = md_request("u3", '2', "0", "01", {"BTC-PERP"});
  md->send(unsub_again);
  y = expect(*md, md_reject("u3"), "unsubscribe of nothing");
  EXPECT_FALSE(y.isSetField(281));

  // A market_data session may subscribe but never trade.
  FIX::Message d = limit("md-order", '1', "0.1", "49000");
  md->send(d);
  FIX::Message j = expect(*md, type_is("j"), "business reject for D");
  EXPECT_EQ(field(j, 372), "D");
  EXPECT_EQ(field(j, 380), "6");
  EXPECT_NE(field(j, 58).find("market_data"), std::string::npos);

  // Order entry without allow_market_data: insufficient permissions.
  FIX::Message from_desk = md_request("d1", '1', "0", "01", {"BTC-PERP"});
  a->send(from_desk);
  y = expect(*a, md_reject("d1"), "order-entry session without market data");
  EXPECT_EQ(field(y, 281), "3");

  // Drop copy never gets market data.
  FIX::Message from_dc = md_request("c1", '1', "0", "01", {"BTC-PERP"});
  dc->send(from_dc);
  j = expect(*dc, type_is("j"), "business reject on drop copy");
  EXPECT_EQ(field(j, 372), "V");
  stop_all({md.get(), a.get(), dc.get()});
}

TEST(MarketData, OrderEntrySessionWithMarketDataMaySubscribeAndTrade) {
  VenueHarness v([](VenueConfig& c) {
    add_md_sessions(c);
    c.sessions[0].allow_market_data = true;  // DESK_A
  });
  auto a = v.connect("DESK_A");
  FIX::Message sub = md_request("own", '1', "0", "01", {"BTC-PERP"});
  a->send(sub);
  expect(*a, type_is("W"), "snapshot on an order-entry session");
  FIX::Message o = limit("oe1", '1', "0.2", "49950");
  a->send(o);
  expect(*a, er("oe1", '0'), "ack");
  FIX::Message x = expect(*a, type_is("X"), "incremental");
  FIX::Group g(268, 279);
  x.getGroup(1, g);
  EXPECT_EQ(MdMirror::field_of(g, 279), "0");
  EXPECT_EQ(MdMirror::field_of(g, 270), "49950");
  EXPECT_EQ(MdMirror::field_of(g, 271), "0.2");
  stop_all({a.get()});
}

/// Random limit, IOC, cancel and replace traffic from two desks around 50000.
struct RandomFlow {
  explicit RandomFlow(uint32_t seed) : rng(seed) {}
  std::mt19937 rng;
  struct Live {
    std::string cl;
    char side;
  };
  std::vector<Live> live[2];
  int next = 0;

  std::string price() {
    // 49950.0 .. 50050.0 in 0.5 steps: a narrow band so levels repeat, cross and trade.
    int steps = std::uniform_int_distribution<int>(0, 200)(rng);
    int64_t raw = 49'950 * PRICE_PRECISION + int64_t(steps) * PRICE_PRECISION / 2;
    return format_decimal(raw, PRICE_DECIMALS);
  }
  std::string qty() {
    int lots = std::uniform_int_distribution<int>(1, 50)(rng);  // 0.0001 .. 0.005
    return format_decimal(int64_t(lots) * 100'000, QTY_DECIMALS);
  }

  /// One action on desk d; returns the ClOrdID whose answer to wait for.
  std::string step(Initiator& desk, int d) {
    const std::string cl = "r" + std::to_string(d) + "-" + std::to_string(next++);
    int kind = std::uniform_int_distribution<int>(0, 9)(rng);
    std::vector<Live>& mine = live[d];
    if (kind <= 1 && !mine.empty()) {  // cancel
      size_t k = std::uniform_int_distribution<size_t>(0, mine.size() - 1)(rng);
      FIX::Message c = cancel(cl, mine[k].cl, mine[k].side);
      mine.erase(mine.begin() + std::ptrdiff_t(k));
      desk.send(c);
    } else if (kind == 2 && !mine.empty()) {  // replace: new price and size
      size_t k = std::uniform_int_distribution<size_t>(0, mine.size() - 1)(rng);
      FIX::Message r = replace(cl, mine[k].cl, mine[k].side, qty(), price());
      mine[k].cl = cl;
      desk.send(r);
    } else {
      char side = std::uniform_int_distribution<int>(0, 1)(rng) ? '1' : '2';
      char tif = kind == 3 ? '3' : '1';  // some IOCs
      FIX::Message o = limit(cl, side, qty(), price(), tif);
      if (tif == '1') mine.push_back(Live{cl, side});
      desk.send(o);
    }
    return cl;
  }
};

std::function<bool(const FIX::Message&)> answer_to(const std::string& cl) {
  return [=](const FIX::Message& m) {
    return (field(m, 35) == "8" || field(m, 35) == "9" || field(m, 35) == "j") &&
           field(m, 11) == cl;
  };
}

/// Waits until the mirror shows the engine's book (full depth or top N), pumping messages.
bool converges(VenueHarness& v, Initiator& md, std::vector<MdMirror*> mirrors,
               const std::vector<std::pair<MdMirror*, size_t>>& checks, std::string& why) {
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < deadline) {
    pump(md, mirrors, 50ms);
    bool all = true;
    for (auto [mirror, depth] : checks) {
      for (Side s : {Side::buy, Side::sell}) {
        Levels engine = engine_levels(v.venue(), 0, s, depth);
        Levels mine = mirror->levels("BTC-PERP", s);
        if (engine != mine) {
          all = false;
          why = mirror->req_id + (s == Side::buy ? " bids" : " asks") + ": engine " +
                std::to_string(engine.size()) + " levels, rebuilt " + std::to_string(mine.size());
        }
      }
    }
    if (all) return true;
  }
  return false;
}

/// Random traffic from DESK_A and DESK_B while MD_1 holds a full-depth and a top-5
/// subscription; both rebuilt books must end equal to the engine's.
void random_stream_matches_engine(VenueHarness& v, int min_incrementals) {
  auto a = v.connect("DESK_A");
  auto b = v.connect("DESK_B");
  auto md = connect_md(v, "MD_1");
  MdMirror full("full"), top("top5");
  FIX::Message s1 = md_request("full", '1', "0", "012", {"BTC-PERP"});
  FIX::Message s2 = md_request("top5", '1', "5", "01", {"BTC-PERP"});
  md->send(s1);
  md->send(s2);

  const uint32_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  RandomFlow flow(seed);
  int fills = 0;
  Initiator* desks[2] = {a.get(), b.get()};
  for (int i = 0; i < 400; ++i) {
    int d = i % 2;
    std::string cl = flow.step(*desks[d], d);
    expect(*desks[d], answer_to(cl), "answer to " + cl);
    // Count fills (LastQty on 8) as they arrive, then drop what was read.
    while (std::optional<FIX::Message> m = desks[d]->next(0ms))
      if (field(*m, 35) == "8" && !field(*m, 32).empty() && field(*m, 32) != "0") ++fills;
    if (i % 50 == 0) pump(*md, {&full, &top}, 1ms);
  }
  // The last fills of the other desk may still be queued.
  for (Initiator* d : desks)
    while (std::optional<FIX::Message> m = d->next(200ms))
      if (field(*m, 35) == "8" && !field(*m, 32).empty() && field(*m, 32) != "0") ++fills;

  std::string why;
  EXPECT_TRUE(converges(v, *md, {&full, &top}, {{&full, 0}, {&top, 5}}, why)) << why;
  EXPECT_EQ(full.error, "");
  EXPECT_EQ(top.error, "");
  EXPECT_EQ(full.snapshots, 1);
  EXPECT_GT(full.incrementals, min_incrementals);
  EXPECT_LE(top.levels("BTC-PERP", Side::buy).size(), 5u);
  // Every trade printed once: each has two fills (the desks never trade with themselves here,
  // STP cancels those), and the trade ids are unique.
  EXPECT_GT(fills, 0);
  EXPECT_EQ(int(full.trades.size()) * 2, fills);
  std::set<std::string> ids;
  for (const auto& t : full.trades) ids.insert(t.trade_id);
  EXPECT_EQ(ids.size(), full.trades.size());
  stop_all({a.get(), b.get(), md.get()});
}

TEST(MarketData, IncrementalsRebuildTheEngineBookAfterARandomOrderStream) {
  VenueHarness v(add_md_sessions);
  random_stream_matches_engine(v, 50);
}

TEST(MarketData, ConflatedIncrementalsStillRebuildTheEngineBook) {
  VenueHarness v([](VenueConfig& c) {
    add_md_sessions(c);
    c.market_data.conflation_interval_ms = 25;  // changes within 25 ms merged into one X
  });
  random_stream_matches_engine(v, 5);  // fewer: merged
}

TEST(MarketData, BookIsRebuiltFromTheJournalAfterARestart) {
  VenueHarness v(add_md_sessions);
  {
    auto a = v.connect("DESK_T");  // DESK-A's orders, no cancel on disconnect
    auto b = v.connect("DESK_B");
    for (auto [cl, side, qty, px] :
         {std::tuple{"r1", '1', "0.5", "49990"}, std::tuple{"r2", '2', "0.4", "50020"}}) {
      FIX::Message o = limit(cl, side, qty, px);
      a->send(o);
      expect(*a, er(cl, '0'), cl);
    }
    FIX::Message take = limit("r3", '2', "0.2", "49990", '3');
    b->send(take);
    expect(*b, er("r3", 'F'), "r3 fill");
    stop_all({a.get(), b.get()});
  }
  v.restart();  // replay: the market data service rebuilds its book from the journal
  auto md = connect_md(v, "MD_1");
  MdMirror snap("after");
  FIX::Message req = md_request("after", '0', "0", "01C", {"BTC-PERP"});
  md->send(req);
  FIX::Message w = expect(*md, type_is("W"), "snapshot after restart");
  snap.apply(w);
  EXPECT_EQ(snap.levels("BTC-PERP", Side::buy), engine_levels(v.venue(), 0, Side::buy));
  EXPECT_EQ(snap.levels("BTC-PERP", Side::sell), engine_levels(v.venue(), 0, Side::sell));
  EXPECT_EQ(snap.levels("BTC-PERP", Side::buy), (Levels{{49'990 * PRICE_PRECISION, 300'000'000}}));
  EXPECT_EQ(snap.stats["BTC-PERP"]['C'], "0.2");  // DESK_A long 0.2
  stop_all({md.get()});
}

TEST(MarketData, SlowSubscriberIsConflatedAndNeverDelaysOrderEntry) {
  constexpr uint32_t kLimit = 50;
  VenueHarness v([](VenueConfig& c) {
    add_md_sessions(c);
    c.market_data.session_queue_limit = kLimit;
  });
  auto a = v.connect("DESK_A");
  auto md = connect_md(v, "MD_2");  // a healthy subscriber next to the slow one
  MdMirror healthy("h");
  FIX::Message hs = md_request("h", '1', "0", "012", {"BTC-PERP"});
  md->send(hs);

  // Bids 0.0001 BTC at random prices over 401 ticks; each must be acknowledged promptly.
  std::mt19937 rng(7);
  auto bid = [&](int i) {
    const std::string cl = "q" + std::to_string(i);
    int64_t ticks = std::uniform_int_distribution<int>(0, 400)(rng);
    std::string px = format_decimal(49'000 * PRICE_PRECISION + ticks * 100'000, PRICE_DECIMALS);
    FIX::Message o = limit(cl, '1', "0.0001", px);
    auto t0 = std::chrono::steady_clock::now();
    a->send(o);
    expect(*a, er(cl, '0'), cl);
    a->clear();
    if (i % 100 == 0) pump(*md, {&healthy}, 1ms);
    return std::chrono::steady_clock::now() - t0;
  };
  // First a deep book, published.
  for (int i = 0; i < 450; ++i) bid(i);
  std::string why;
  ASSERT_TRUE(converges(v, *md, {&healthy}, {{&healthy, 0}}, why)) << why;

  // The slow subscriber logs on, subscribes 20 times to the full book, and never reads. Twenty
  // snapshots of that book are several times what the socket buffers hold, however fast or
  // slow the machine, so the venue's queue for it stays full from here on.
  SlowSubscriber slow(v.port(), "MD_SLOW", "MD_SLOW-pass");
  for (int i = 0; i < 20; ++i)
    slow.send_app("V", "262=slow" + std::to_string(i) +
                           "|263=1|264=0|267=3|269=0|269=1|269=2|146=1|55=BTC-PERP|");
  const SessionId slow_id = v.gateway().session_number("MD_SLOW");
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!v.gateway().is_logged_on("MD_SLOW") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(v.gateway().is_logged_on("MD_SLOW"));

  // Order entry keeps going: every order is acknowledged promptly while the book churns.
  auto worst = std::chrono::nanoseconds(0);
  for (int i = 450; i < 900; ++i) {  // under the account's 1000 open orders
    worst = std::max(worst, bid(i));
    // A round every ten orders whatever the publishing thread's pace (on a loaded machine it
    // may fold all of them into a couple): the queue must outgrow its limit.
    if (i % 10 == 0) v.venue().market_data().publish_now();
  }
  // Generous bound (sanitizer build, two shared cores): a blocked publisher would stall forever.
  EXPECT_LT(worst, 2s) << "slowest ack";
  // The publishing thread may still be catching up with the last orders (loaded machine).
  auto until = std::chrono::steady_clock::now() + 10s;
  while (v.venue().market_data().stats().conflations == 0 &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  MarketDataStats st = v.venue().market_data().stats();
  EXPECT_GE(st.conflations, 1u) << st.snapshots << " snapshots, " << st.incrementals
                                << " incrementals, at most " << st.max_queued << " queued, "
                                << v.venue().market_data().queued(slow_id) << " queued now";
  // Bounded: the limit plus at most one round's messages for the session's 20 subscriptions
  // (a subscription arriving at the limit waits for its snapshot like the others).
  EXPECT_LE(st.max_queued, int64_t(kLimit) + 20 + 2);
  EXPECT_LE(v.venue().market_data().queued(slow_id), int64_t(kLimit) + 20 + 2);

  // The healthy subscriber saw everything.
  EXPECT_TRUE(converges(v, *md, {&healthy}, {{&healthy, 0}}, why)) << why;
  EXPECT_EQ(healthy.error, "");
  EXPECT_EQ(healthy.snapshots, 1);

  // Once the slow desk reads again it is brought up to date with fresh snapshots.
  // (It may already have been refreshed once if the kernel buffers drained a little.)
  size_t bytes = slow.read_for(300ms);
  deadline = std::chrono::steady_clock::now() + 30s;
  while ((v.venue().market_data().stats().refreshes < 20 ||
          v.venue().market_data().queued(slow_id) > 0) &&
         std::chrono::steady_clock::now() < deadline)
    bytes += slow.read_for(100ms);
  const MarketDataStats after = v.venue().market_data().stats();
  EXPECT_GE(after.refreshes, 20u);
  EXPECT_EQ(v.venue().market_data().queued(slow_id), 0)
      << "read " << bytes << " bytes; " << after.refreshes << " refreshes, " << after.snapshots
      << " snapshots, " << after.incrementals << " incrementals, " << after.conflations
      << " conflations";
  EXPECT_GT(bytes, 0u);
  stop_all({a.get(), md.get()});
}

}  // namespace
}  // namespace qd::fix::test
