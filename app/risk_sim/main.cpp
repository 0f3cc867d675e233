// qd-risk-sim: runs a what-if scenario through the real matching engine and margin core and
// prints the outcome as deterministic JSON. tests/scenarios/README.md documents the format.
//
//   qd-risk-sim SCENARIO.yaml [--output FILE]
//
// Exit status: 0 done; 1 a step could not be carried out or an invariant broke (the report is
// still written); 2 usage or scenario errors (each as file:line:column: message); 3 the engine
// stopped on an internal error.

#include <exception>
#include <fstream>
#include <iostream>
#include <string>

#include "app/risk_sim/scenario_loader.hpp"
#include "app/risk_sim/scenario_runner.hpp"

namespace {

int usage() {
  std::cerr << "usage: qd-risk-sim SCENARIO.yaml [--output FILE]\n"
               "Runs the scenario through the matching engine and margin core and prints JSON.\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string scenario_path, output_path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    }
    if ((arg == "-o" || arg == "--output") && i + 1 < argc) {
      output_path = argv[++i];
    } else if (!arg.empty() && arg[0] != '-' && scenario_path.empty()) {
      scenario_path = arg;
    } else {
      return usage();
    }
  }
  if (scenario_path.empty()) return usage();

  const qd::risk_sim::LoadResult loaded = qd::risk_sim::load_scenario(scenario_path);
  if (!loaded.scenario) {
    for (const qd::ConfigError& e : loaded.errors) std::cerr << e.to_string() << '\n';
    return 2;
  }
  qd::risk_sim::RunResult run;
  try {
    run = qd::risk_sim::run_scenario(*loaded.scenario);
  } catch (const std::exception& e) {
    std::cerr << scenario_path << ": engine error: " << e.what() << '\n';
    return 3;
  }
  const std::string text = run.report.dump(2) + "\n";
  if (output_path.empty()) {
    std::cout << text;
  } else {
    std::ofstream out(output_path, std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << output_path << ": cannot write the report\n";
      return 2;
    }
  }
  for (const qd::ConfigError& e : run.errors) std::cerr << e.to_string() << '\n';
  for (const std::string& v : run.violations) std::cerr << "invariant violated: " << v << '\n';
  return run.ok() ? 0 : 1;
}
