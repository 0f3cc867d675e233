#pragma once
// What qd-demo needs to know about the running venue, taken from its config file (the same file
// quantdesk was started with): where the FIX listener and the admin socket are, which sessions
// trade and which one watches the drop copy, each market's tick and size, and the demo
// passwords (the quickstart's documented demo credentials unless overridden).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/config/venue_config.hpp"

namespace qd::demo {

struct DemoSession {
  std::string sender_comp_id;
  std::string target_comp_id;
  std::string account;  ///< the account an order-entry session trades (its first)
  std::string password;
  std::string host;
  uint16_t port = 0;
};

struct DemoMarket {
  std::string symbol;
  Price tick;    ///< 1e-6 USDC
  Qty min_size;  ///< 1e-9 base units
};

struct DemoPlan {
  DemoSession desk_a, desk_b;             ///< the first two order-entry sessions
  std::optional<DemoSession> compliance;  ///< the first drop-copy session
  std::vector<DemoMarket> markets;
  std::string admin_socket;
  std::string data_dir;
  bool settlement_enabled = false;
};

/// The quickstart's demo credentials (config/quickstart.yaml, top comment).
std::map<std::string, std::string> quickstart_demo_passwords();

/// Builds the plan from a validated config; the error text when it cannot run the demo (fewer
/// than two order-entry sessions, a TLS listener, no market, no password for a session).
std::optional<DemoPlan> plan_from(const VenueConfig& config,
                                  const std::map<std::string, std::string>& passwords,
                                  std::string& error);

/// One request on the admin socket; the response object, or nullopt when the gateway cannot be
/// reached or answers garbage.
std::optional<nlohmann::json> admin_call(const std::string& socket, const std::string& command,
                                         const nlohmann::json& args = nlohmann::json::object());

}  // namespace qd::demo
