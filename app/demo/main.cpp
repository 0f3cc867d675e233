// qd-demo: the quickstart demo against a running quantdesk. Two desks trade every market over
// FIX (each trade opened and closed, so positions end flat), the drop-copy session shows what
// compliance sees, the settlement batches carrying the trades are followed over the admin
// socket until they confirm on chain, and a summary is printed.
//
//   qd-demo [--config FILE] [--rounds N] [--timeout SECONDS] [--password SENDER=PASSWORD]...
//
// Exit status: 0 everything happened (trades, drop copies, confirmed batches); 1 something did
// not (the reason is printed); 2 usage or config errors; 3 the venue cannot be reached.
// scripts/demo.sh starts the local chain and the venue around it.

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "app/client/client_commands.hpp"
#include "app/config/config_loader.hpp"
#include "app/demo/demo_venue.hpp"
#include "core/decimal.hpp"
#include "fix/fix_time.hpp"
#include "fix/gateway.hpp"
#include "fix/initiator.hpp"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using qd::demo::DemoPlan;
using qd::demo::DemoSession;

constexpr const char* kUsage =
    "usage: qd-demo [--config FILE] [--rounds N] [--timeout SECONDS] [--password SENDER=PW]...\n"
    "  --config FILE     the running venue's config (default: the embedded quickstart)\n"
    "  --rounds N        open-and-close trades per market per desk pair (default 1)\n"
    "  --timeout S       how long settlement may take to confirm (default 90)\n"
    "  --password S=PW   a session's password (default: the quickstart demo credentials)\n";

std::string field(const FIX::Message& m, int tag) {
  if (m.isSetField(tag)) return m.getField(tag);
  if (m.getHeader().isSetField(tag)) return m.getHeader().getField(tag);
  return "";
}

/// What the drop-copy session received, by message type, and those about this run's orders.
struct ComplianceView {
  std::mutex mu;
  std::string prefix;     ///< this run's ClOrdID prefix
  std::string plan_name;  ///< the drop-copy session's SenderCompID
  std::map<std::string, int> by_type;
  std::vector<std::string> lines;  ///< this run's, printed after the trades
  int this_run = 0;
  int total = 0;

  void on_message(const FIX::Message& m) {
    const std::string type = field(m, 35);
    if (type == "5") return;  // the session's Logout at the end, not a copy
    std::lock_guard lock(mu);
    ++total;
    ++by_type[type];
    const std::string cl = field(m, 11);
    const bool ours = cl.rfind(prefix, 0) == 0 || type == "AE";
    if (!ours) return;  // a catch-up of earlier runs: counted, not printed
    ++this_run;
    const std::string account = field(m, 1);
    lines.push_back("  " + plan_name + " <- " + (account.empty() ? "" : account + " ") +
                    qd::client::describe(m));
  }
  void print() {
    std::lock_guard lock(mu);
    for (const std::string& l : lines) std::cout << l << "\n";
    lines.clear();
  }
  std::string types() {
    std::lock_guard lock(mu);
    std::string out;
    for (const auto& [type, n] : by_type) {
      const std::string name = type == "8"    ? "ExecutionReport"
                               : type == "AE" ? "TradeCaptureReport"
                               : type == "3"  ? "session Reject"
                                              : "MsgType " + type;
      out += (out.empty() ? "" : ", ") + name + " " + std::to_string(n);
    }
    return out.empty() ? "none" : out;
  }
  int count() {
    std::lock_guard lock(mu);
    return this_run;
  }
};

class Demo {
 public:
  Demo(DemoPlan plan, int rounds, std::chrono::seconds timeout)
      : plan_(std::move(plan)),
        rounds_(rounds),
        timeout_(timeout),
        builder_("demo" + std::to_string(qd::fix::wall_clock_ns() / 1'000'000) + "-") {
    compliance_.prefix = builder_.next_id();
    compliance_.prefix.resize(compliance_.prefix.rfind('-') + 1);
    if (plan_.compliance) compliance_.plan_name = plan_.compliance->sender_comp_id;
  }

  int run();

 private:
  std::unique_ptr<qd::fix::Initiator> connect(const DemoSession& s, bool quiet_callback);
  bool order(qd::fix::Initiator& desk, const std::string& text, char exec_type);
  std::optional<json> status(const std::string& command);
  int fail(const std::string& why) {
    failures_.push_back(why);
    return 1;
  }

  DemoPlan plan_;
  int rounds_;
  std::chrono::seconds timeout_;
  qd::client::CommandBuilder builder_;
  ComplianceView compliance_;
  std::vector<std::string> failures_;
  int trades_ = 0;
  int desk_reports_ = 0;
};

std::unique_ptr<qd::fix::Initiator> Demo::connect(const DemoSession& s, bool compliance) {
  qd::fix::InitiatorOptions o;
  o.host = s.host;
  o.port = s.port;
  o.sender_comp_id = s.sender_comp_id;
  o.target_comp_id = s.target_comp_id;
  o.username = s.sender_comp_id;
  o.password = s.password;
  o.reset_on_logon = true;  // the venue keeps its session stores across runs; the demo does not
  o.dictionary_path = qd::fix::default_dictionary_path();
  auto i = std::make_unique<qd::fix::Initiator>(o);
  if (compliance) {
    i->set_callback([this](const FIX::Message& m) { compliance_.on_message(m); });
  }
  i->start();
  if (!i->wait_logged_on(20s)) {
    const std::string why = i->last_logout_text();
    fail(s.sender_comp_id + " did not log on" + (why.empty() ? "" : ": " + why));
    i->stop(true);
    return nullptr;
  }
  std::cout << "  " << s.sender_comp_id << " logged on (" << s.host << ":" << s.port << ")\n";
  return i;
}

/// Sends one order line (qd-client syntax) and waits for the ExecutionReport with `exec_type`
/// for it ('0' new, 'F' trade).
bool Demo::order(qd::fix::Initiator& desk, const std::string& text, char exec_type) {
  const std::string id = builder_.next_id();
  auto parsed = builder_.parse(text + " id=" + id);
  auto* send = parsed ? std::get_if<qd::client::SendMessage>(&*parsed) : nullptr;
  if (send == nullptr) return fail("cannot build order: " + text) == 0;
  if (!desk.send(send->message)) return fail("not sent (not logged on): " + text) == 0;
  const auto report = desk.wait_for(
      [&](const FIX::Message& m) {
        return field(m, 35) == "8" && field(m, 11) == id &&
               (field(m, 150) == std::string(1, exec_type) || field(m, 150) == "8");
      },
      20s);
  if (!report) return fail("no execution report for " + text) == 0;
  ++desk_reports_;
  if (field(*report, 150) == "8") {
    return fail("rejected: " + text + " (" + field(*report, 58) + ")") == 0;
  }
  return true;
}

std::optional<json> Demo::status(const std::string& command) {
  auto r = qd::demo::admin_call(plan_.admin_socket, command);
  if (!r || !r->value("ok", false)) return std::nullopt;
  return (*r)["result"];
}

int Demo::run() {
  const auto started = std::chrono::steady_clock::now();
  std::cout << "QuantDesk demo\n";
  auto venue = status("status");
  if (!venue) {
    std::cerr << "qd-demo: no venue answers on " << plan_.admin_socket
              << " (start it first: scripts/demo.sh does)\n";
    return 3;
  }
  std::cout << "  venue: " << (*venue)["venue"].get<std::string>() << ", journal at seq "
            << (*venue)["engine"]["last_seq"] << "\n";
  if (!plan_.settlement_enabled) {
    fail("settlement.enabled is false in this config: nothing can settle on chain");
  } else {
    // The bridge sets up in the background (manifest, keys, chain): wait for it once.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    std::optional<json> st;
    while (std::chrono::steady_clock::now() < deadline) {
      st = status("settlement.status");
      if (st && st->value("ready", false)) break;
      std::this_thread::sleep_for(200ms);
    }
    if (!st || !st->value("ready", false)) {
      fail("settlement did not become ready within 60 s: " +
           (st ? st->value("last_error", std::string()) : std::string("no status")));
    }
  }
  if (!failures_.empty()) return 1;

  std::map<std::string, qd::Price> marks;
  for (const auto& m : (*venue)["markets"]) {
    if (!m["mark"].is_string()) continue;
    const auto p = qd::parse_fixed<qd::Price>(m["mark"].get<std::string>());
    if (p.ok()) marks[m["symbol"].get<std::string>()] = p.value;
  }

  std::cout << "\nsessions\n";
  std::unique_ptr<qd::fix::Initiator> watcher;
  if (plan_.compliance) watcher = connect(*plan_.compliance, true);
  auto a = connect(plan_.desk_a, false);
  auto b = connect(plan_.desk_b, false);
  if (!a || !b) return 1;
  const uint64_t seq_before = (*venue)["engine"]["last_seq"].get<uint64_t>();

  std::cout << "\ntrades (" << plan_.desk_a.account << " on " << plan_.desk_a.sender_comp_id << ", "
            << plan_.desk_b.account << " on " << plan_.desk_b.sender_comp_id << ")\n";
  for (int round = 0; round < rounds_ && failures_.empty(); ++round) {
    for (const qd::demo::DemoMarket& m : plan_.markets) {
      if (!marks.count(m.symbol)) continue;
      // At the mark (on the tick grid) and one tick above it: well inside any price band.
      const qd::Price open(marks[m.symbol].raw / m.tick.raw * m.tick.raw);
      const qd::Price close(open.raw + m.tick.raw);
      const qd::Qty qty(m.min_size.raw * 10);
      const std::string q = qd::to_string(qty), po = qd::to_string(open), pc = qd::to_string(close);
      // A bids, B sells into it; then B offers one tick higher and A buys it back: flat.
      if (!order(*a, "buy " + m.symbol + " " + q + " @ " + po + " gtc", '0') ||
          !order(*b, "sell " + m.symbol + " " + q + " @ " + po + " ioc", 'F'))
        break;
      std::cout << "  trade " << ++trades_ << "  " << m.symbol << "  " << plan_.desk_a.account
                << " buys " << q << " @ " << po << " from " << plan_.desk_b.account << "\n";
      if (!order(*b, "sell " + m.symbol + " " + q + " @ " + pc + " gtc", '0') ||
          !order(*a, "buy " + m.symbol + " " + q + " @ " + pc + " ioc", 'F'))
        break;
      std::cout << "  trade " << ++trades_ << "  " << m.symbol << "  " << plan_.desk_a.account
                << " buys " << q << " @ " << pc << " from " << plan_.desk_b.account
                << " (both flat again)\n";
    }
  }
  if (trades_ == 0) fail("no trade happened");
  auto after = status("status");
  const uint64_t seq_after = after ? (*after)["engine"]["last_seq"].get<uint64_t>() : seq_before;

  // Drop copy: wait until the copies stop coming (or 15 s).
  std::cout << "\ndrop copy (" << (plan_.compliance ? plan_.compliance->sender_comp_id : "none")
            << ")\n";
  if (watcher) {
    int last = -1;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1500ms);
      const int now = compliance_.count();
      if (now == last && now > 0) break;
      last = now;
    }
    compliance_.print();
  }

  // Settlement: every command up to the last trade confirmed on chain.
  std::cout << "\nsettlement (journal seq " << seq_before << " -> " << seq_after << ")\n";
  json batches = json::array();
  std::optional<json> st;
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  bool confirmed = false;
  while (plan_.settlement_enabled && trades_ > 0 && std::chrono::steady_clock::now() < deadline) {
    st = status("settlement.status");
    if (st && (*st)["confirmed_seq"].get<uint64_t>() >= seq_after) {
      confirmed = true;
      break;
    }
    std::this_thread::sleep_for(250ms);
  }
  int fills_settled = 0;
  if (confirmed) {
    for (const auto& batch : (*st)["recent_batches"]) {
      const std::string state = batch["state"];
      if (batch["to_seq"].get<uint64_t>() <= seq_before) continue;
      if (state != "confirmed" && state != "finalized") continue;
      batches.push_back(batch);
      fills_settled += batch["fills"].get<int>();
      std::cout << "  batch " << batch["batch_id"] << "  " << state << "  fills " << batch["fills"]
                << "  merkle root " << batch["merkle_root"].get<std::string>() << "\n";
      for (const auto& sig : batch["signatures"]) {
        std::cout << "    part " << sig["part"] << "  signature "
                  << sig["signature"].get<std::string>() << "\n";
      }
    }
  } else if (plan_.settlement_enabled && trades_ > 0) {
    fail("settlement did not confirm the trades within " + std::to_string(timeout_.count()) + " s" +
         (st ? ": " + (*st)["last_error"].get<std::string>() : std::string()));
  }
  if (confirmed && batches.empty()) fail("no confirmed batch covers the trades");
  if (watcher && confirmed) {
    // Settled fills may reach compliance as TradeCaptureReports (35=AE) once their batch is
    // confirmed: give them a moment and show whatever came.
    const int before = compliance_.count();
    const auto ae_deadline = std::chrono::steady_clock::now() + 2s;
    while (compliance_.count() == before && std::chrono::steady_clock::now() < ae_deadline) {
      std::this_thread::sleep_for(100ms);
    }
    if (compliance_.count() > before) {
      std::this_thread::sleep_for(500ms);
      std::cout << "  after confirmation, " << plan_.compliance->sender_comp_id << " received:\n";
      compliance_.print();
    }
  }

  for (auto* i : {watcher.get(), a.get(), b.get()}) {
    if (i) i->stop(false);
  }
  const int drop_copies = compliance_.count();
  if (!plan_.compliance) {
    fail("the config has no drop_copy session");
  } else if (drop_copies == 0) {
    fail("the drop-copy session " + plan_.compliance->sender_comp_id + " received nothing");
  }

  const auto secs =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
          .count();
  std::cout << "\nsummary\n"
            << "  trades:               " << trades_ << " (" << desk_reports_
            << " execution reports awaited by the desks)\n"
            << "  drop copies received: " << drop_copies
            << " (this run's; all received: " << compliance_.types() << ")\n"
            << "  batches confirmed:    " << batches.size() << " (" << fills_settled
            << " fills on chain)\n";
  for (const auto& batch : batches) {
    for (const auto& sig : batch["signatures"]) {
      std::cout << "    batch " << batch["batch_id"] << " part " << sig["part"] << ": "
                << sig["signature"].get<std::string>() << "\n";
    }
  }
  std::cout << "  time:                 " << secs << " s\n";
  if (failures_.empty()) {
    std::cout << "result: OK\n";
    return 0;
  }
  for (const auto& f : failures_) std::cout << "result: FAILED: " << f << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  int rounds = 1;
  int timeout_s = 90;
  auto passwords = qd::demo::quickstart_demo_passwords();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--config" && has_value) {
      config_path = argv[++i];
    } else if (a == "--rounds" && has_value) {
      rounds = std::atoi(argv[++i]);
    } else if (a == "--timeout" && has_value) {
      timeout_s = std::atoi(argv[++i]);
    } else if (a == "--password" && has_value) {
      const std::string kv = argv[++i];
      const size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << kUsage;
        return 2;
      }
      passwords[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << kUsage;
      return 2;
    }
  }
  if (rounds <= 0 || timeout_s <= 0) {
    std::cerr << kUsage;
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  if (sodium_init() < 0) return 2;
  qd::ConfigResult loaded =
      config_path.empty() ? qd::load_embedded_quickstart() : qd::load_config(config_path);
  if (!loaded) {
    for (const qd::ConfigError& e : loaded.errors()) std::cerr << e.to_string() << "\n";
    return 2;
  }
  std::string error;
  auto plan = qd::demo::plan_from(*loaded, passwords, error);
  if (!plan) {
    std::cerr << "qd-demo: " << error << "\n";
    return 2;
  }
  Demo demo(std::move(*plan), rounds, std::chrono::seconds(timeout_s));
  return demo.run();
}
