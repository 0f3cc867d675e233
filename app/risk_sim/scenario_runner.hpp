#pragma once
// Runs a loaded scenario through the real Exchange and builds qd-risk-sim's report:
//   scenario, description, markets   the scenario's header and market parameters
//   events                           every fill, reject, cancel, collateral change, funding rate
//                                    and payment, liquidation, takeover, ADL and deficit, in order
//   snapshots                        the state at each snapshot step
//   stress                           per stress step and shock: what the branch did and its state
//   final, summary, invariants       the state at the end, counts and sums, audit result
// tests/scenarios/README.md describes each field.

#include <string>
#include <vector>

#include "app/config/config_error.hpp"
#include "app/risk_sim/report.hpp"
#include "app/risk_sim/scenario.hpp"

namespace qd::risk_sim {

struct RunResult {
  Json report;
  /// Steps that cannot be carried out as written (a direct fill the book would not route to
  /// its counterparty), located at the step; the run stops at the first.
  ConfigErrors errors;
  /// Margin-core invariant violations seen after any command (main line and branches).
  std::vector<std::string> violations;
  bool ok() const { return errors.empty() && violations.empty(); }
};

RunResult run_scenario(const Scenario& s);

}  // namespace qd::risk_sim
