#pragma once
// Reading a qd-risk-sim scenario from YAML. Every problem is reported at once as
// "file:line:column: path: what is wrong and what is expected", with the venue configuration's
// conventions (app/config): decimals as exact strings, percentages with two decimals ("0.25" =
// 25 bps), fees in basis points with two decimals ("-2" = -200 ppm), funding rates in percent
// with seven decimals. tests/scenarios/README.md documents every key.

#include <optional>
#include <string>

#include "app/config/config_error.hpp"
#include "app/risk_sim/scenario.hpp"

namespace qd::risk_sim {

/// A valid scenario, or every error found (never both).
struct LoadResult {
  std::optional<Scenario> scenario;
  ConfigErrors errors;  ///< sorted by line and column
};

/// Reads and validates the file at `path`.
LoadResult load_scenario(const std::string& path);

/// The same for YAML text; `file` labels the errors.
LoadResult load_scenario_text(const std::string& yaml, const std::string& file);

}  // namespace qd::risk_sim
