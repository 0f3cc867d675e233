#pragma once
// The admin commands behind the socket. Each takes JSON arguments and returns a JSON result or
// an error; reads of engine state run on the engine thread (Sequencer::run_on_engine), changes
// go in as sequenced commands (journaled like any order), never by touching state directly.
//
//   command             args                       effect
//   status              -                          venue, engine, journal, markets, sessions
//   sessions.list       -                          configured FIX sessions and their state
//   sessions.logout     sender_comp_id, [reason]   Logout with Text=reason; cancel-on-disconnect
//                                                  applies; the desk may log on again
//   market.halt         symbol                     SetMarketStatus halted
//   market.resume       symbol                     SetMarketStatus open
//   market.close        symbol                     SetMarketStatus closed (cancels its orders)
//   oracle.set          symbol, price (decimal)    oracle_update_command (oracle_update.hpp)
//   account.show        account (config id)        resting orders; risk view when available
//   reload              -                          ConfigReloader::reload
//   backup              path (absolute, new file)  online copy of the journal
//   settlement.status   -                          bridge progress, lag, counters, last batches
//   settlement.quarantine -                        accounts that cannot settle, and why
//   settlement.release  account (config id)        lets a quarantined account settle again
//   settlement.reconcile -                         finalized on-chain balances vs the venue's

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "app/admin/config_reloader.hpp"
#include "app/gateway/venue.hpp"

namespace qd::admin {

/// Replacements for the gateway's own entry points (tests).
struct AdminHooks {
  /// Logs the session out with `reason` as Logout Text (58); returns "" when done, otherwise
  /// why not. Unset: fix::Gateway::logout_session.
  std::function<std::string(const std::string& sender_comp_id, const std::string& reason)>
      logout_session;
};

struct AdminResponse {
  bool ok = false;
  nlohmann::json result = nlohmann::json::object();  ///< also on errors, when there are details
  std::string error;                                 ///< set when !ok
  std::string summary;                               ///< one line for the audit row and the log
};

class AdminService {
 public:
  AdminService(Venue& venue, ConfigReloader& reloader, AdminHooks hooks = {});

  /// Runs one command (admin thread). Never throws: failures become an error response.
  AdminResponse handle(const std::string& command, const nlohmann::json& args);

  /// How long a state change may take to show in the engine before the command reports that
  /// it was submitted but not yet seen applied.
  void set_apply_timeout(std::chrono::milliseconds t) { apply_timeout_ = t; }

 private:
  AdminResponse status();
  AdminResponse sessions_list();
  AdminResponse sessions_logout(const nlohmann::json& args);
  AdminResponse market_status(const nlohmann::json& args, MarketStatus target);
  AdminResponse oracle_set(const nlohmann::json& args);
  AdminResponse account_show(const nlohmann::json& args);
  AdminResponse reload();
  AdminResponse backup(const nlohmann::json& args);
  AdminResponse settlement_status();
  AdminResponse settlement_quarantine();
  AdminResponse settlement_release(const nlohmann::json& args);
  AdminResponse settlement_reconcile();
  /// The settlement part of `status`: running, lag, backlog, quarantine, last error.
  nlohmann::json settlement_summary();
  std::string settlement_store_path() const;

  /// Runs `fn` on the engine thread; false (fn not run) when the engine has failed.
  bool on_engine(const std::function<void(const Exchange&)>& fn);
  /// Polls the engine until `pred` holds; false after apply_timeout_ or when it failed.
  bool wait_until(const std::function<bool(const Exchange&)>& pred);
  nlohmann::json session_json(const SessionConfig& s) const;

  Venue& venue_;
  ConfigReloader& reloader_;
  AdminHooks hooks_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::milliseconds apply_timeout_{5000};
};

/// Reads a required string argument; throws std::invalid_argument naming it.
std::string string_arg(const nlohmann::json& args, const char* name);

}  // namespace qd::admin
