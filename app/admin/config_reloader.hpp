#pragma once
// Configuration reload, the one path behind both SIGHUP and `qdctl reload`: the file the gateway
// started with is loaded and validated again; if it has errors nothing changes and the errors are
// returned; if it is valid, diff_for_reload classifies every change and the ones this gateway
// can apply live are applied:
//   markets[*] limits, band, margin, fees, oracle thresholds, day end; risk.* venue-wide values
//                      -> a sequenced UpdateMarketParams per changed market (journaled)
//   markets[*].status  -> a sequenced SetMarketStatus (journaled)
//   accounts[*] settings, accounts appended at the end
//                      -> a sequenced UpdateAccount (+ a Deposit of a new account's collateral)
//   sessions[*].throttle.*, sessions[*].enabled -> fix::Gateway::apply_session_changes
//   logging.level      -> the process's log level (not trading state; not journaled)
//   settlement.batch_max_fills / batch_max_delay_ms -> SettlementBridge::set_batch_limits (the
//                         bridge's batching, not engine state; not journaled)
// Engine changes take effect at their place in the sequence, so a replay of the journal applies
// them at the same point. Values the engine would refuse are checked on the engine thread first
// and reported as refused (nothing submitted). Live-class changes this gateway cannot apply
// (a throttle added or removed, enabling a session disabled at start) are reported as pending:
// they take effect at the next restart. Restart-class (listeners, data dir, sessions added or
// removed, a session's accounts, credentials and flags, ...) and initial-only changes are
// reported as such.
//
// Replay under a later file: the engine is built from the config file it starts with, so the
// first commands of a new journal record every market's and account's parameters as they
// started (align_engine_at_start); a replay under an edited file then starts from those, and
// the file's values are applied after the replay as sequenced commands.

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "app/config/venue_config.hpp"
#include "core/command.hpp"

namespace qd {
class Sequencer;
class Exchange;
}  // namespace qd
namespace qd::fix {
class Gateway;
}
namespace qd::settlement {
class SettlementBridge;
}

namespace qd::admin {

struct ReloadOutcome {
  bool valid = false;                  ///< the file loaded and validated
  std::vector<std::string> errors;     ///< file:line:column messages when !valid
  std::vector<std::string> applied;    ///< live changes applied by this reload
  std::vector<std::string> refused;    ///< live changes the engine would refuse, with why
  std::vector<std::string> pending;    ///< live-class changes not applied (see above)
  std::vector<std::string> restart;    ///< take effect after a restart
  std::vector<std::string> no_effect;  ///< initial values; the journal already has state

  nlohmann::json to_json() const;
  /// "valid=true applied=1 refused=0 pending=2 restart=0 initial_only=0" for the log and audit.
  std::string summary() const;
};

/// The engine commands that bring the engine to `next`'s market and account settings.
struct EngineAlignment {
  std::vector<CommandBody> commands;
  std::vector<std::string> applied_prefixes;  ///< reload-plan descriptions these cover
  std::vector<std::string> refused;           ///< values the engine would refuse, with why
  std::vector<std::pair<MarketId, MarketParams>> markets;  ///< what the engine must then show
  std::vector<std::pair<AccountId, UpdateAccount>> accounts;
};

/// Compares the engine's markets and accounts with `next` (markets by symbol at the same
/// position; accounts by id at the same number, or appended after `running`'s). `all` = every
/// market and account, changed or not (the first commands of a new journal). Engine thread.
EngineAlignment align_engine(const Exchange& ex, const VenueConfig& running,
                             const VenueConfig& next, bool all);

class ConfigReloader {
 public:
  /// `config_path` empty = the gateway runs the embedded quickstart (nothing to reload).
  /// `running` is the configuration the gateway started with.
  ConfigReloader(std::string config_path, VenueConfig running, Sequencer& engine);

  /// Before the engine starts (the commands then come first): on a new journal, every market's
  /// and account's starting parameters; on a replayed one, what the config file changed while
  /// the venue was down. Returns one line per submitted change.
  std::vector<std::string> align_engine_at_start(bool new_journal);

  /// Thread-safe; reloads are serialized. Logs the outcome (one key=value line, then one per
  /// change or error) with `source` ("signal", "admin").
  ReloadOutcome reload(std::string_view source);

  const std::string& config_path() const { return config_path_; }

  /// The running settlement bridge (null when settlement is off); reloads then apply its batch
  /// limits live. Set once before the first reload.
  void set_settlement(settlement::SettlementBridge* bridge) { settlement_ = bridge; }
  /// The FIX gateway whose session throttles and enablement reloads change; null = none.
  void set_gateway(fix::Gateway* gateway) { gateway_ = gateway; }

 private:
  ReloadOutcome reload_locked();
  /// Submits the alignment's commands and waits until the engine shows them; "" or why not.
  std::string submit_and_wait(const EngineAlignment& a);
  /// Copies `next`'s live market, risk and account values into running_ after they applied.
  void remember_engine_values(const VenueConfig& next);

  std::string config_path_;
  VenueConfig running_;  ///< what the last reload left applied (the baseline of the next diff)
  Sequencer& engine_;
  settlement::SettlementBridge* settlement_ = nullptr;
  fix::Gateway* gateway_ = nullptr;
  std::mutex mu_;
};

}  // namespace qd::admin
