#pragma once
// Configuration reload, the one path behind both SIGHUP and `qdctl reload`: the file the gateway
// started with is loaded and validated again; if it has errors nothing changes and the errors are
// returned; if it is valid, diff_for_reload classifies every change and the ones this gateway
// can apply live are applied:
//   markets[*].status  -> a sequenced SetMarketStatus (journaled, so replay sees it)
//   logging.level      -> the process's log level (not trading state; not journaled)
//   settlement.batch_max_fills / batch_max_delay_ms -> SettlementBridge::set_batch_limits (the
//                         bridge's batching, not engine state; not journaled)
// Every other live-class change is reported as pending: applying it needs a journaled config
// command in the engine, which does not exist yet. Restart-class and initial-only changes are
// reported as such.

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "app/config/venue_config.hpp"
#include "core/engine_ports.hpp"

namespace qd::settlement {
class SettlementBridge;
}

namespace qd::admin {

struct ReloadOutcome {
  bool valid = false;                  ///< the file loaded and validated
  std::vector<std::string> errors;     ///< file:line:column messages when !valid
  std::vector<std::string> applied;    ///< live changes applied by this reload
  std::vector<std::string> pending;    ///< live-class changes not applied (see above)
  std::vector<std::string> restart;    ///< take effect after a restart
  std::vector<std::string> no_effect;  ///< initial values; the journal already has state

  nlohmann::json to_json() const;
  /// "valid=true applied=1 pending=2 restart=0 initial_only=0" for the log and the audit row.
  std::string summary() const;
};

class ConfigReloader {
 public:
  /// `config_path` empty = the gateway runs the embedded quickstart (nothing to reload).
  /// `running` is the configuration the gateway started with.
  ConfigReloader(std::string config_path, VenueConfig running, CommandSink& engine);

  /// Thread-safe; reloads are serialized. Logs the outcome (one key=value line, then one per
  /// change or error) with `source` ("signal", "admin").
  ReloadOutcome reload(std::string_view source);

  const std::string& config_path() const { return config_path_; }

  /// The running settlement bridge (null when settlement is off); reloads then apply its batch
  /// limits live. Set once before the first reload.
  void set_settlement(settlement::SettlementBridge* bridge) { settlement_ = bridge; }

 private:
  ReloadOutcome reload_locked();

  std::string config_path_;
  VenueConfig running_;  ///< what the last reload left applied (the baseline of the next diff)
  CommandSink& engine_;
  settlement::SettlementBridge* settlement_ = nullptr;
  std::mutex mu_;
};

}  // namespace qd::admin
