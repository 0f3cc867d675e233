// qdctl: the venue operator's command line. Talks to a running gateway over its admin socket
// (app/admin/admin_server.hpp); `hash-password` runs locally.
//
//   qdctl [--socket PATH | --config FILE] [--json] [--timeout SECONDS] COMMAND
//
// Exit status: 0 done, 1 the gateway refused or failed the command, 2 usage, 3 the gateway
// cannot be reached.

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/admin/password_hash.hpp"
#include "app/admin/qdctl_render.hpp"
#include "app/admin/unix_socket.hpp"
#include "app/config/config_loader.hpp"

namespace {

using nlohmann::json;

constexpr const char* kUsage =
    "usage: qdctl [--socket PATH | --config FILE] [--json] [--timeout SECONDS] COMMAND\n"
    "\n"
    "commands:\n"
    "  status                          sessions, markets, queue depth, journal position\n"
    "  sessions list                   configured FIX sessions and whether they are logged on\n"
    "  sessions logout SENDER_COMP_ID [REASON...]\n"
    "                                  log a FIX session out (Logout Text = REASON);\n"
    "                                  cancel-on-disconnect applies; it may log on again\n"
    "  market halt|resume|close SYMBOL change a market's status (journaled)\n"
    "  oracle set SYMBOL PRICE         push a reference price (test venues; journaled)\n"
    "  account show ACCOUNT            an account's open orders (and risk, when available)\n"
    "  reload                          re-read the config file (same as SIGHUP)\n"
    "  backup FILE                     online copy of the journal to a new FILE\n"
    "  settlement status               settlement progress, lag, counters, recent batches\n"
    "  settlement quarantine           accounts that cannot settle, and why\n"
    "  settlement release ACCOUNT      let a quarantined account settle again\n"
    "  settlement reconcile            finalized on-chain balances vs the venue (exit 1 if\n"
    "                                  they differ)\n"
    "  hash-password                   read a password (no echo), print its argon2id hash\n"
    "\n"
    "The socket is --socket, else admin.socket of --config FILE, else the quickstart's.\n"
    "Exit status: 0 ok, 1 command failed, 2 usage, 3 gateway unreachable.\n";

int usage() {
  std::cerr << kUsage;
  return 2;
}

struct Request {
  std::string command;
  json args = json::object();
};

/// Maps the words after the options to a request; nullopt on a usage error.
std::optional<Request> parse_command(const std::vector<std::string>& w) {
  auto is = [&](std::initializer_list<const char*> words) {
    if (w.size() != words.size()) return false;
    size_t i = 0;
    for (const char* x : words) {
      if (x != nullptr && w[i] != x) return false;
      ++i;
    }
    return true;
  };
  if (is({"status"})) return Request{"status"};
  if (is({"sessions", "list"})) return Request{"sessions.list"};
  if (is({"sessions", "logout", nullptr})) {
    return Request{"sessions.logout", {{"sender_comp_id", w[2]}}};
  }
  if (w.size() >= 4 && w[0] == "sessions" && w[1] == "logout") {
    std::string reason = w[3];  // the rest of the words: the Logout Text
    for (size_t i = 4; i < w.size(); ++i) reason += " " + w[i];
    return Request{"sessions.logout", {{"sender_comp_id", w[2]}, {"reason", reason}}};
  }
  if (w.size() == 3 && w[0] == "market" &&
      (w[1] == "halt" || w[1] == "resume" || w[1] == "close")) {
    return Request{"market." + w[1], {{"symbol", w[2]}}};
  }
  if (is({"oracle", "set", nullptr, nullptr})) {
    return Request{"oracle.set", {{"symbol", w[2]}, {"price", w[3]}}};
  }
  if (is({"account", "show", nullptr})) return Request{"account.show", {{"account", w[2]}}};
  if (is({"reload"})) return Request{"reload"};
  if (is({"backup", nullptr})) {
    // The gateway may run in another directory: send an absolute path.
    return Request{"backup",
                   {{"path", std::filesystem::absolute(w[1]).lexically_normal().string()}}};
  }
  if (is({"settlement", "status"})) return Request{"settlement.status"};
  if (is({"settlement", "quarantine"})) return Request{"settlement.quarantine"};
  if (is({"settlement", "release", nullptr})) {
    return Request{"settlement.release", {{"account", w[2]}}};
  }
  if (is({"settlement", "reconcile"})) return Request{"settlement.reconcile"};
  return std::nullopt;
}

std::optional<std::string> socket_from_config(const std::string& file) {
  qd::ConfigResult loaded = file.empty() ? qd::load_embedded_quickstart() : qd::load_config(file);
  if (!loaded) {
    for (const qd::ConfigError& e : loaded.errors()) std::cerr << e.to_string() << "\n";
    return std::nullopt;
  }
  return loaded->admin.socket;
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket_path, config_path;
  bool as_json = false;
  int timeout_s = 120;
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (!words.empty()) {
      words.push_back(a);
    } else if (a == "--socket" && i + 1 < argc) {
      socket_path = argv[++i];
    } else if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (a == "--json") {
      as_json = true;
    } else if (a == "--timeout" && i + 1 < argc) {
      timeout_s = std::atoi(argv[++i]);
      if (timeout_s <= 0) return usage();
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      return usage();
    } else {
      words.push_back(a);
    }
  }
  if (words.size() == 1 && words[0] == "hash-password") return qd::admin::hash_password_main();
  const std::optional<Request> request = parse_command(words);
  if (!request || (!socket_path.empty() && !config_path.empty())) return usage();

  if (socket_path.empty()) {
    const auto from_config = socket_from_config(config_path);
    if (!from_config) return 2;
    socket_path = *from_config;
  }
  std::string error;
  const int fd = qd::admin::connect_unix_socket(socket_path, error);
  if (fd < 0) {
    std::cerr << "qdctl: " << error << " (is the gateway running?)\n";
    return 3;
  }
  const json body = {{"command", request->command}, {"args", request->args}};
  std::string buffer, line;
  const bool sent = qd::admin::write_all(fd, body.dump() + "\n");
  const bool got = sent && qd::admin::read_line(fd, buffer, line, 64 * 1024 * 1024,
                                                std::chrono::seconds(timeout_s));
  ::close(fd);
  if (!got) {
    std::cerr << "qdctl: no answer from " << socket_path << "\n";
    return 3;
  }
  const json response = json::parse(line, nullptr, false);
  if (response.is_discarded() || !response.is_object()) {
    std::cerr << "qdctl: malformed answer from " << socket_path << "\n";
    return 3;
  }
  const bool ok = response.value("ok", false);
  if (as_json) {
    std::cout << response.dump(2) << "\n";
  } else if (ok) {
    qd::admin::render(request->command, response.value("result", json::object()), std::cout);
  } else {
    qd::admin::render_error(request->command, response, std::cerr);
  }
  return ok ? 0 : 1;
}
