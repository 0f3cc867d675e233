#pragma once
// One run of a scenario through the real Exchange (matching + margin core): the main line, or a
// stress branch that replays the main line's commands and then goes its own way. It stamps
// commands with sequence numbers and command time as the sequencer would, keeps them for
// branching, turns their events into report lines and checks the margin core's invariants after
// every command.

#include <map>
#include <string>
#include <vector>

#include "app/risk_sim/report.hpp"
#include "app/risk_sim/scenario.hpp"
#include "core/command.hpp"
#include "engine/exchange.hpp"

namespace qd::risk_sim {

class Timeline {
 public:
  explicit Timeline(const Scenario& s);

  /// Runs another timeline's commands again, unrecorded: the same state, since the engine is
  /// deterministic. Only before anything else was submitted.
  void replay(const std::vector<Command>& log);

  /// Events recorded from now on carry this step number (0 = the scenario's opening).
  void set_step(size_t step) { step_ = step; }

  /// Moves command time forward to scenario time t. At a new time, when the scenario keeps
  /// oracles fresh, every market's last oracle price is published again (the venue's keeper).
  void move_to(TimestampNs t);

  /// Runs one command at the current time; records its events and checks the invariants.
  std::vector<Event> submit(CommandBody body);

  /// Absolute command time (ns since the Unix epoch).
  TimestampNs now() const { return now_; }
  const Exchange& exchange() const { return ex_; }
  /// The market's last primary oracle price (1e-6).
  Price oracle(MarketId m) const;

  const std::vector<Command>& log() const { return log_; }
  const Json& events() const { return events_; }
  const Tally& tally() const { return tally_; }
  /// "seq N at t (step k): violation", in order.
  const std::vector<std::string>& violations() const { return violations_; }
  /// Everything an account, the fund, the fees and each market hold now.
  Json state() const { return state_json(ex_, s_, now_, order_ids_); }

 private:
  const Scenario& s_;
  Exchange ex_;
  std::vector<Command> log_;
  SeqNo seq_ = 0;
  TimestampNs now_ = SCENARIO_EPOCH;
  size_t step_ = 0;
  Json events_ = Json::array();
  Tally tally_;
  std::vector<std::string> violations_;
  std::map<OrderId, std::string> order_ids_;  ///< engine id -> client id, for reports
};

}  // namespace qd::risk_sim
