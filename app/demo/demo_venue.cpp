#include "app/demo/demo_venue.hpp"

#include <unistd.h>

#include <chrono>

#include "app/admin/unix_socket.hpp"

namespace qd::demo {

std::map<std::string, std::string> quickstart_demo_passwords() {
  return {{"DESK_A", "desk-a-demo"}, {"DESK_B", "desk-b-demo"}, {"COMPLIANCE", "compliance-demo"}};
}

namespace {

std::optional<DemoSession> session_of(const VenueConfig& c, const SessionConfig& s,
                                      const std::map<std::string, std::string>& passwords,
                                      std::string& error) {
  const ListenerConfig* listener = nullptr;
  for (const ListenerConfig& l : c.listeners) {
    if (l.name == s.listener || (s.listener.empty() && listener == nullptr)) listener = &l;
  }
  if (listener == nullptr) {
    error = "session " + s.sender_comp_id + ": no listener";
    return std::nullopt;
  }
  if (listener->tls) {
    error = "listener " + listener->name + " uses TLS; the demo connects over plain TCP";
    return std::nullopt;
  }
  const auto pw = passwords.find(s.sender_comp_id);
  if (pw == passwords.end()) {
    error = "no password for session " + s.sender_comp_id +
            " (the quickstart's demo credentials cover DESK_A, DESK_B and COMPLIANCE; pass "
            "--password SENDER=PASSWORD)";
    return std::nullopt;
  }
  DemoSession d;
  d.sender_comp_id = s.sender_comp_id;
  d.target_comp_id = s.target_comp_id;
  d.account = s.accounts.empty() ? std::string() : s.accounts.front();
  d.password = pw->second;
  d.host = listener->bind == "0.0.0.0" ? "127.0.0.1" : listener->bind;
  d.port = listener->port;
  return d;
}

}  // namespace

std::optional<DemoPlan> plan_from(const VenueConfig& c,
                                  const std::map<std::string, std::string>& passwords,
                                  std::string& error) {
  DemoPlan p;
  std::vector<DemoSession> desks;
  for (const SessionConfig& s : c.sessions) {
    if (!s.enabled) continue;
    if (s.role == SessionRole::order_entry && desks.size() < 2 && !s.accounts.empty()) {
      auto d = session_of(c, s, passwords, error);
      if (!d) return std::nullopt;
      desks.push_back(*d);
    } else if (s.role == SessionRole::drop_copy && !p.compliance) {
      auto d = session_of(c, s, passwords, error);
      if (!d) return std::nullopt;
      p.compliance = *d;
    }
  }
  if (desks.size() < 2) {
    error = "the config needs two enabled order-entry sessions with an account each";
    return std::nullopt;
  }
  p.desk_a = desks[0];
  p.desk_b = desks[1];
  for (const MarketConfig& m : c.markets) {
    p.markets.push_back({m.symbol, m.tick_size, m.min_size.raw > 0 ? m.min_size : m.lot_size});
  }
  if (p.markets.empty()) {
    error = "the config has no market";
    return std::nullopt;
  }
  p.admin_socket = c.admin.socket;
  p.data_dir = c.venue.data_dir;
  p.settlement_enabled = c.settlement.enabled;
  return p;
}

std::optional<nlohmann::json> admin_call(const std::string& socket, const std::string& command,
                                         const nlohmann::json& args) {
  std::string error;
  const int fd = admin::connect_unix_socket(socket, error);
  if (fd < 0) return std::nullopt;
  std::string buffer, line;
  const nlohmann::json request = {{"command", command}, {"args", args}};
  const bool ok = admin::write_all(fd, request.dump() + "\n") &&
                  admin::read_line(fd, buffer, line, 1 << 24, std::chrono::seconds(30));
  ::close(fd);
  if (!ok) return std::nullopt;
  nlohmann::json response = nlohmann::json::parse(line, nullptr, false);
  if (response.is_discarded() || !response.is_object()) return std::nullopt;
  return response;
}

}  // namespace qd::demo
