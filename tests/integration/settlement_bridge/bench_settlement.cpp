// qd-bench-settlement: fills settled per second end to end on the local chain, and fills per
// transaction, for a prepared journal drained by the qd-settle driver. Not a test: it prints
// its figures with the configuration.
//
//   qd-bench-settlement [--desks N] [--fills F] [--block-ms MS] [--batch-max-fills N]
//                       [--batch-max-delay-ms MS] [--max-active-batches K] [--seed S]
//
// The journal is written first by the real engine (N desks trading random pairs, one fill per
// taker order), then qd-settle starts on it and runs until every batch is finalized. Reported:
// time to the last batch confirmation and to the last finalization, fills/s for both, the
// transactions signed, fills and transfers per transaction.

#include <cstdio>
#include <random>

#include "tests/integration/settlement_bridge/bridge_harness.hpp"
#include "tests/integration/settlement_bridge/store_inspect.hpp"

using namespace qd;
using namespace qd::bridge_test;

int main(int argc, char** argv) {
  size_t desks = 4, fills = 1000;
  int block_ms = 400, seed = 1;
  std::string batch_max_fills = "64", batch_delay = "1000", active = "4";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--desks")
      desks = std::stoul(v);
    else if (a == "--fills")
      fills = std::stoul(v);
    else if (a == "--block-ms")
      block_ms = std::stoi(v);
    else if (a == "--batch-max-fills")
      batch_max_fills = v;
    else if (a == "--batch-max-delay-ms")
      batch_delay = v;
    else if (a == "--max-active-batches")
      active = v;
    else if (a == "--seed")
      seed = std::stoi(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 1;
    }
  }
  TempDir dir;
  Localnet chain(dir, block_ms);
  if (chain.url().empty()) {
    std::fprintf(stderr, "localnet did not start\n");
    return 1;
  }
  std::vector<Desk> ds;
  for (size_t i = 0; i < desks; ++i)
    ds.push_back({AccountId(i + 1), "DESK-" + std::to_string(i + 1), 1'000'000 * 1'000'000LL});
  const auto t_setup = std::chrono::steady_clock::now();
  const std::string manifest = run_setup(dir, chain.url(), ds, "1000000", "10000000");
  if (manifest.empty()) {
    std::fprintf(stderr, "setup failed (%s)\n", dir.file("setup.log").c_str());
    return 1;
  }
  const double setup_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_setup).count();
  JournalBuilder journal(dir.file("journal.db"), ds);
  std::mt19937 rng{uint32_t(seed)};
  int64_t px = 50'000;
  journal.oracle(px);
  for (size_t k = 0; k < fills; ++k) {
    if (k % 50 == 0) {
      px += int64_t(rng() % 101) - 50;
      journal.oracle(px);
    }
    const AccountId maker = AccountId(1 + rng() % desks);
    AccountId taker = AccountId(1 + rng() % (desks - 1));
    if (taker >= maker) ++taker;
    journal.trade(maker, taker, rng() % 2 ? Side::buy : Side::sell, px, 1 + int64_t(rng() % 20));
  }
  const size_t traded = journal.maker_fills().size();
  {  // the bridge starts from finalized state: wait for the setup to be final, untimed
    auto rpc = solana::RpcClient::create(chain.url());
    const std::string vault = manifest_json(manifest)["vault"].get<std::string>();
    for (int i = 0; i < 1200 && rpc && balance(rpc.value(), vault) < 0; ++i)
      std::this_thread::sleep_for(50ms);
  }
  auto args = settle_args(dir.file("journal.db"), dir.file("settlement.db"), manifest, ds);
  args.insert(args.end(), {"--batch-max-fills", batch_max_fills, "--batch-max-delay-ms",
                           batch_delay, "--max-active-batches", active, "--exit-when-idle",
                           "--timeout-s", "600", "--no-fill-list"});
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t t0_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  Child settle(args, dir.file("settle.log"));
  double last_confirmed_s = 0;
  size_t batches = 0, parts = 0, transfers = 0;
  json status;
  while (auto l = settle.line(std::chrono::seconds(700))) {
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (l->rfind("CONFIRMED ", 0) == 0) {
      const json c = json::parse(l->substr(10));
      last_confirmed_s = t;
      ++batches;
      parts += c["parts"].get<size_t>();
      transfers += c.value("transfers", json::array()).size();
    } else if (l->rfind("STATUS ", 0) == 0) {
      status = json::parse(l->substr(7));
    }
  }
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int rc = settle.wait();
  // The store's own times: when the last batch was confirmed and finalized on chain.
  const auto times =
      query(dir.file("settlement.db"), "SELECT MAX(confirmed_at), MAX(finalized_at) FROM batches");
  if (!times.empty() && !times[0][0].empty())
    last_confirmed_s = double(std::stoll(times[0][0]) - t0_ms) / 1000;
  std::printf(
      "config: desks=%zu fills=%zu block_ms=%d batch_max_fills=%s batch_max_delay_ms=%s "
      "max_active_batches=%s (setup of the desks took %.1f s)\n",
      desks, traded, block_ms, batch_max_fills.c_str(), batch_delay.c_str(), active.c_str(),
      setup_s);
  std::printf("exit=%d batches=%zu transactions=%zu (signed versions %lld, expired %lld)\n", rc,
              batches, parts, status.value("versions_signed", 0LL),
              status.value("versions_expired", 0LL));
  std::printf("all confirmed after %.2f s: %.1f fills/s\n", last_confirmed_s,
              last_confirmed_s > 0 ? double(traded) / last_confirmed_s : 0.0);
  std::printf("all finalized after %.2f s: %.1f fills/s\n", total_s, double(traded) / total_s);
  std::printf("fills per transaction %.1f, transfers per transaction %.1f, fills per batch %.1f\n",
              parts ? double(traded) / double(parts) : 0.0,
              parts ? double(transfers) / double(parts) : 0.0,
              batches ? double(traded) / double(batches) : 0.0);
  return rc;
}
