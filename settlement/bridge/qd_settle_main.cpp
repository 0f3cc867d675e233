// qd-settle: runs the settlement bridge alone over a journal file, for operators replaying a
// journal onto a chain, for the crash tests (which SIGKILL it at a named point) and for the
// benchmark. Prints one line per event of interest on stdout:
//   CONFIRMED <json>   a batch confirmed (the listener's BatchConfirmation, with each fill's
//                      bytes and proof unless --no-fill-list)
//   PAUSED <point> <batch> <part>   --pause-at reached; the process then waits to be killed
//   STATUS <json>      the final status (and RECONCILE <json> with --reconcile)
// Exit status: 0 settled and idle (and reconciled with --reconcile), 2 timed out, 1 bad usage.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "settlement/bridge/settlement_bridge.hpp"

namespace {

using nlohmann::json;
using qd::settlement::BatchConfirmation;
using qd::settlement::SettlementBridge;

void usage() {
  std::fprintf(stderr,
               "usage: qd-settle --journal FILE --store FILE --manifest FILE --account N=ID...\n"
               "  [--rpc URL] [--commitment processed|confirmed|finalized]\n"
               "  [--batch-max-fills N] [--batch-max-delay-ms MS] [--resend-ms MS]\n"
               "  [--max-active-batches N] [--recheck-ms MS] [--no-precheck]\n"
               "  [--pause-at signed|sent[:BATCH[:PART]]] [--exit-when-idle] [--timeout-s S]\n"
               "  [--reconcile] [--quiet] [--no-fill-list]\n");
}

class Printer final : public qd::settlement::SettlementListener {
 public:
  bool with_fills = true;
  void on_batch_confirmed(const BatchConfirmation& c) override {
    json j = {{"batch", c.batch_id},   {"root", c.merkle_root_hex}, {"fills", c.fill_count},
              {"parts", c.part_count}, {"from_seq", c.from_seq},    {"to_seq", c.to_seq}};
    for (const auto& p : c.parts)
      j["signatures"].push_back({{"part", p.part}, {"signature", p.signature}, {"slot", p.slot}});
    for (const auto& t : c.transfers)
      j["transfers"].push_back(
          {{"account", t.account}, {"amount", t.amount.raw}, {"signature", t.signature}});
    for (const auto& f : c.fills) {
      if (!with_fills) break;
      j["fill_list"].push_back({{"trade_id", std::to_string(f.fill.trade_id.seq) + "." +
                                                 std::to_string(f.fill.trade_id.index)},
                                {"leaf", f.leaf_index},
                                {"bytes", f.fill_bytes_hex},
                                {"proof", f.proof_hex},
                                {"maker",
                                 {{"account", f.maker.account},
                                  {"signature", f.maker.signature},
                                  {"status", qd::settlement::to_string(f.maker.status)}}},
                                {"taker",
                                 {{"account", f.taker.account},
                                  {"signature", f.taker.signature},
                                  {"status", qd::settlement::to_string(f.taker.status)}}}});
    }
    std::printf("CONFIRMED %s\n", j.dump().c_str());
    std::fflush(stdout);
  }
};

json status_json(const qd::settlement::SettlementStatus& s) {
  return {{"ready", s.ready},
          {"idle", s.idle},
          {"last_error", s.last_error},
          {"journal_seq", s.journal_seq},
          {"read_seq", s.read_seq},
          {"batched_seq", s.batched_seq},
          {"confirmed_seq", s.confirmed_seq},
          {"finalized_seq", s.finalized_seq},
          {"lag_seq", s.lag_seq},
          {"lag_ms", s.lag_ms},
          {"batches_closed", s.batches_closed},
          {"batches_confirmed", s.batches_confirmed},
          {"batches_finalized", s.batches_finalized},
          {"fills_finalized", s.fills_finalized},
          {"transfers_finalized", s.transfers_finalized},
          {"versions_signed", s.versions_signed},
          {"resends", s.resends},
          {"versions_expired", s.versions_expired},
          {"versions_failed", s.versions_failed},
          {"quarantines", s.quarantines},
          {"quarantined_now", s.quarantined_now}};
}

}  // namespace

int main(int argc, char** argv) {
  qd::settlement::BridgeOptions opt;
  bool exit_when_idle = false, reconcile = false, quiet = false, fill_list = true;
  int timeout_s = 0;
  std::string pause_point;
  uint64_t pause_batch = 0;
  uint32_t pause_part = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(1);
      }
      return argv[++i];
    };
    try {
      if (a == "--journal")
        opt.journal_path = next();
      else if (a == "--store")
        opt.store_path = next();
      else if (a == "--manifest")
        opt.manifest_path = next();
      else if (a == "--rpc")
        opt.rpc_url = next();
      else if (a == "--account") {
        const std::string v = next();
        const size_t eq = v.find('=');
        if (eq == std::string::npos) throw std::invalid_argument(v);
        opt.accounts.push_back({qd::AccountId(std::stoul(v.substr(0, eq))), v.substr(eq + 1)});
      } else if (a == "--commitment") {
        const std::string v = next();
        opt.commitment = v == "processed"   ? qd::solana::Commitment::Processed
                         : v == "finalized" ? qd::solana::Commitment::Finalized
                                            : qd::solana::Commitment::Confirmed;
      } else if (a == "--batch-max-fills")
        opt.batch_max_fills = uint32_t(std::stoul(next()));
      else if (a == "--batch-max-delay-ms")
        opt.batch_max_delay_ms = uint32_t(std::stoul(next()));
      else if (a == "--resend-ms")
        opt.resend_interval_ms = uint32_t(std::stoul(next()));
      else if (a == "--max-active-batches")
        opt.max_active_batches = uint32_t(std::stoul(next()));
      else if (a == "--recheck-ms")
        opt.quarantine_recheck_ms = uint32_t(std::stoul(next()));
      else if (a == "--no-precheck")
        opt.precheck = false;
      else if (a == "--pause-at") {
        const std::string v = next();
        const size_t c1 = v.find(':');
        pause_point = v.substr(0, c1);
        if (c1 != std::string::npos) {
          const size_t c2 = v.find(':', c1 + 1);
          pause_batch = std::stoull(v.substr(c1 + 1, c2 - c1 - 1));
          if (c2 != std::string::npos) pause_part = uint32_t(std::stoul(v.substr(c2 + 1)));
        }
      } else if (a == "--exit-when-idle")
        exit_when_idle = true;
      else if (a == "--timeout-s")
        timeout_s = std::stoi(next());
      else if (a == "--reconcile")
        reconcile = true;
      else if (a == "--quiet")
        quiet = true;
      else if (a == "--no-fill-list")
        fill_list = false;
      else {
        usage();
        return 1;
      }
    } catch (const std::exception&) {
      std::fprintf(stderr, "qd-settle: bad value for %s\n", a.c_str());
      return 1;
    }
  }
  if (opt.journal_path.empty() || opt.store_path.empty() || opt.manifest_path.empty()) {
    usage();
    return 1;
  }
  // stdout carries the machine-readable lines; the log goes to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("qd-settle"));
  if (quiet) spdlog::set_level(spdlog::level::warn);
  if (!pause_point.empty()) {
    opt.test_hook = [&](std::string_view point, uint64_t batch, uint32_t part) {
      if (point != pause_point || (pause_batch && batch != pause_batch) ||
          (pause_part && part != pause_part))
        return;
      std::printf("PAUSED %s %llu %u\n", std::string(point).c_str(),
                  static_cast<unsigned long long>(batch), part);
      std::fflush(stdout);
      while (true) ::pause();  // the test kills the process here
    };
  }
  Printer printer;
  printer.with_fills = fill_list;
  SettlementBridge bridge(opt);
  bridge.add_listener(&printer);
  bridge.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int rc = 0;
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto s = bridge.status();
    if (exit_when_idle && s.idle) break;
    if (timeout_s > 0 && std::chrono::steady_clock::now() >= deadline) {
      rc = 2;
      break;
    }
  }
  bridge.stop();
  json st = status_json(bridge.status());
  st["accounts"] = json::array();
  for (const auto& a : bridge.accounts()) {
    st["accounts"].push_back({{"account", a.account},
                              {"name", a.name},
                              {"collateral", a.collateral.raw},
                              {"baseline", a.baseline.raw},
                              {"booked", a.booked.raw},
                              {"pending", a.pending.raw},
                              {"in_flight", a.in_flight.raw},
                              {"unsettled", a.unsettled.raw},
                              {"quarantined", a.quarantined},
                              {"reason", a.quarantine_reason}});
  }
  std::printf("STATUS %s\n", st.dump().c_str());
  if (reconcile) {
    const auto rep = bridge.reconcile();
    json j = {{"ok", rep.ok}, {"error", rep.error}};
    for (const auto& l : rep.lines) {
      j["lines"].push_back({{"account", l.account},
                            {"name", l.name},
                            {"onchain", l.onchain},
                            {"expected", l.expected},
                            {"pending", l.pending},
                            {"difference", l.difference},
                            {"error", l.error}});
    }
    std::printf("RECONCILE %s\n", j.dump().c_str());
    if (!rep.ok && rc == 0) rc = 3;
  }
  std::fflush(stdout);
  return rc;
}
