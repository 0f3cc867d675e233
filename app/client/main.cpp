// qd-client: a FIX 4.4 initiator for the venue.
//   interactive:  qd-client --sender DESK_A --password-env QD_PASSWORD
//   scripted:     qd-client ... --script orders.txt      (or --script - for stdin)
//   load:         qd-client ... --load 100000 --window 64
// Every received application message is printed as one line (see client_commands.hpp).
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/client/client_commands.hpp"
#include "app/client/load_runner.hpp"
#include "fix/fix_time.hpp"
#include "fix/gateway.hpp"
#include "fix/initiator.hpp"

namespace {

constexpr const char* USAGE = R"(usage: qd-client [options]
connection:
  --host H                 venue host (127.0.0.1)
  --port P                 venue port (9876)
  --sender ID              your SenderCompID (required)
  --target ID              the venue's CompID (QUANTDESK)
  --username U             Username (553), default the sender
  --password-env VAR       read Password (554) from environment variable VAR
  --password P             Password (554) on the command line (visible to other users)
  --ed25519-secret FILE    sign the Logon with this libsodium secret key (base64, 64 bytes)
  --heartbeat S            HeartBtInt, must match the session's (30)
  --reset                  send ResetSeqNumFlag=Y at logon
  --store DIR              keep sequence numbers in DIR (default: memory, start at 1)
  --log DIR                QuickFIX message log directory
  --dictionary FILE        validate what the venue sends (default: the venue's dictionary)
  --tls                    connect with TLS; --ca FILE to verify the venue's certificate,
                           --cert FILE --key FILE for a client certificate
modes:
  (default)                interactive commands from the terminal
  --script FILE            commands from FILE ('-' = stdin); waits --linger MS (1000) at the end
  --load N                 send N orders, at most --window W (64) unanswered; prints latency
                           percentiles and orders/s. --symbol, --qty, --buy-price, --sell-price,
                           --tif (ioc|gtc|day) shape the orders
commands: buy|sell SYMBOL QTY [@ PRICE] [day|gtc|ioc|fok|gtd=TIME] [post] [reduce] [stop=PX]
          [stp=N|R|A|B|D] [account=ID] [id=CLORDID]; cancel ID; replace ID QTY [@ PRICE];
          status [ID]; masscancel [SYMBOL]; sleep MS; quit
)";

struct Args {
  qd::fix::InitiatorOptions fix;
  std::string script;
  bool have_script = false;
  uint64_t load = 0;
  qd::client::LoadOptions load_options;
  int linger_ms = 1000;
};

bool read_secret_key(const std::string& path, std::array<uint8_t, 64>& key) {
  std::ifstream in(path);
  std::string text;
  in >> text;
  size_t len = 0;
  return sodium_base642bin(key.data(), key.size(), text.data(), text.size(), nullptr, &len, nullptr,
                           sodium_base64_VARIANT_ORIGINAL) == 0 &&
         len == key.size();
}

bool parse_args(int argc, char** argv, Args& a) {
  a.fix.port = 9876;
  a.fix.dictionary_path = qd::fix::default_dictionary_path();
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(k + " needs a value");
      return argv[++i];
    };
    if (k == "--host")
      a.fix.host = value();
    else if (k == "--port")
      a.fix.port = uint16_t(std::stoi(value()));
    else if (k == "--sender")
      a.fix.sender_comp_id = value();
    else if (k == "--target")
      a.fix.target_comp_id = value();
    else if (k == "--username")
      a.fix.username = value();
    else if (k == "--password")
      a.fix.password = value();
    else if (k == "--password-env") {
      const char* p = std::getenv(value().c_str());
      if (!p) throw std::runtime_error("password environment variable not set");
      a.fix.password = p;
    } else if (k == "--ed25519-secret") {
      std::array<uint8_t, 64> key{};
      if (!read_secret_key(value(), key)) throw std::runtime_error("unreadable Ed25519 key");
      a.fix.ed25519_secret_key = key;
    } else if (k == "--heartbeat")
      a.fix.heart_bt_int = std::stoi(value());
    else if (k == "--reset")
      a.fix.reset_on_logon = true;
    else if (k == "--store")
      a.fix.store_path = value();
    else if (k == "--log")
      a.fix.log_path = value();
    else if (k == "--dictionary")
      a.fix.dictionary_path = value();
    else if (k == "--tls")
      a.fix.tls = true;
    else if (k == "--ca")
      a.fix.tls_ca_file = value();
    else if (k == "--cert")
      a.fix.tls_cert_file = value();
    else if (k == "--key")
      a.fix.tls_key_file = value();
    else if (k == "--script") {
      a.script = value();
      a.have_script = true;
    } else if (k == "--linger")
      a.linger_ms = std::stoi(value());
    else if (k == "--load")
      a.load = std::stoull(value());
    else if (k == "--window")
      a.load_options.window = uint32_t(std::stoul(value()));
    else if (k == "--symbol")
      a.load_options.symbol = value();
    else if (k == "--qty")
      a.load_options.qty = value();
    else if (k == "--buy-price")
      a.load_options.buy_price = value();
    else if (k == "--sell-price")
      a.load_options.sell_price = value();
    else if (k == "--tif") {
      std::string t = value();
      a.load_options.tif = t == "gtc" ? '1' : t == "day" ? '0' : '3';
    } else if (k == "-h" || k == "--help")
      return false;
    else
      throw std::runtime_error("unknown option " + k);
  }
  if (a.fix.sender_comp_id.empty()) throw std::runtime_error("--sender is required");
  if (a.fix.username.empty()) a.fix.username = a.fix.sender_comp_id;
  return true;
}

/// Runs commands from `in` until EOF or quit. Returns the process exit code.
int run_commands(std::istream& in, qd::fix::Initiator& initiator, bool prompt) {
  using namespace qd::client;
  CommandBuilder builder("c" + std::to_string(qd::fix::wall_clock_ns() / 1'000'000) + "-");
  std::string line;
  int errors = 0;
  if (prompt) std::cout << "> " << std::flush;
  while (std::getline(in, line)) {
    std::optional<ClientCommand> c = builder.parse(line);
    if (c) {
      if (auto* send = std::get_if<SendMessage>(&*c)) {
        if (!initiator.send(send->message)) {
          std::cout << "ERROR not sent (not logged on)" << std::endl;
          ++errors;
        } else if (!send->client_id.empty()) {
          std::cout << "SENT id=" << send->client_id << std::endl;
        }
      } else if (auto* s = std::get_if<Sleep>(&*c)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(s->ms));
      } else if (std::holds_alternative<Quit>(*c)) {
        break;
      } else {
        std::cout << "ERROR " << std::get<ParseError>(*c).what << std::endl;
        ++errors;
      }
    }
    if (prompt) std::cout << "> " << std::flush;
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  try {
    if (!parse_args(argc, argv, args)) {
      std::cout << USAGE;
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "qd-client: " << e.what() << "\n" << USAGE;
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  if (sodium_init() < 0) return 2;

  qd::fix::Initiator initiator(args.fix);
  std::mutex out_mu;
  initiator.set_callback([&](const FIX::Message& m) {
    std::lock_guard lock(out_mu);
    std::cout << qd::client::describe(m) << std::endl;
  });
  try {
    initiator.start();
  } catch (const std::exception& e) {
    std::cerr << "qd-client: " << e.what() << "\n";
    return 2;
  }
  // Logged on, refused (a Logout with the reason), or 10 s without an answer.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!initiator.wait_logged_on(std::chrono::milliseconds(20)) &&
         initiator.last_logout_text().empty() && std::chrono::steady_clock::now() < deadline) {
  }
  if (!initiator.logged_on()) {
    std::string why = initiator.last_logout_text();
    std::cerr << "qd-client: not logged on" << (why.empty() ? "" : ": " + why) << "\n";
    initiator.stop(true);
    return 3;
  }
  std::cerr << "qd-client: logged on as " << args.fix.sender_comp_id << "\n";

  int rc = 0;
  if (args.load > 0) {
    args.load_options.orders = args.load;
    args.load_options.id_prefix = "L" + std::to_string(qd::fix::wall_clock_ns() / 1'000'000) + "-";
    qd::client::LoadResult r = qd::client::run_load(initiator, args.load_options);
    std::cout << qd::client::format_result(r, args.load_options) << std::endl;
    rc = r.timed_out ? 1 : 0;
  } else if (args.have_script) {
    if (args.script == "-") {
      rc = run_commands(std::cin, initiator, false);
    } else {
      std::ifstream f(args.script);
      if (!f) {
        std::cerr << "qd-client: cannot read " << args.script << "\n";
        initiator.stop(true);
        return 2;
      }
      rc = run_commands(f, initiator, false);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(args.linger_ms));
  } else {
    rc = run_commands(std::cin, initiator, isatty(STDIN_FILENO));
  }
  initiator.stop(false);
  return rc;
}
