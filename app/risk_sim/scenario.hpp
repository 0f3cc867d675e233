#pragma once
// A what-if scenario for qd-risk-sim as plain values: markets, accounts with their deposits, the
// insurance fund's seed, and timed steps. Loaded and validated by scenario_loader.hpp, run through
// the real Exchange (matching + margin core) by scenario_runner.hpp. The YAML format is documented
// with a commented example in tests/scenarios/README.md.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/config/config_document.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/market_spec.hpp"
#include "core/order_types.hpp"
#include "risk/market_risk_params.hpp"

namespace qd::risk_sim {

/// Command time of scenario time 0: a UTC midnight, so hourly funding falls on whole hours of
/// scenario time (ns since the Unix epoch).
inline constexpr TimestampNs SCENARIO_EPOCH = 1'800'057'600'000'000'000;

/// Name of the insurance fund in reports (its engine id is risk::INSURANCE_FUND_ACCOUNT).
inline constexpr const char* INSURANCE_FUND_NAME = "insurance_fund";

struct MarketDef {
  MarketSpec spec;                ///< id = position in the list
  risk::MarketRiskParams params;  ///< RISK.md defaults unless the scenario sets them
  Price oracle;                   ///< first oracle reading, at t = 0 (1e-6)
};

struct AccountDef {
  std::string name;  ///< as written in the scenario, e.g. "ALICE"
  AccountId id = 0;  ///< 1-based position in the list
  Quote deposit;     ///< paid in at t = 0 (1e-6 USDC); 0 = none
};

struct DepositStep {
  AccountId account = 0;
  Quote amount;
};

struct WithdrawStep {
  AccountId account = 0;
  Quote amount;
};

struct OrderStep {
  AccountId account = 0;
  MarketId market = 0;
  Side side = Side::buy;
  OrderType type = OrderType::limit;  ///< limit or market
  TimeInForce tif = TimeInForce::gtc;
  Price price;                               ///< limit price (1e-6); unused with an oracle offset
  std::optional<int64_t> oracle_offset_bps;  ///< price = oracle x (1 + offset), on the tick grid
  Qty qty;
  bool reduce_only = false;
  bool post_only = false;
  std::string id;  ///< client order id (for cancels); default "s<step>"
};

struct CancelStep {
  AccountId account = 0;
  MarketId market = 0;
  std::string id;  ///< the order step's id
};

struct CancelAllStep {
  AccountId account = 0;
  std::optional<MarketId> market;  ///< none = every market
};

/// A trade between two accounts through the book: the maker's post-only limit rests, then the
/// taker's IOC crosses it at the same price.
struct FillStep {
  AccountId buyer = 0;
  AccountId seller = 0;
  MarketId market = 0;
  Price price;
  Qty qty;
  Side taker = Side::buy;  ///< the aggressor's side (default: the buyer takes)
};

struct OracleStep {
  MarketId market = 0;
  Price price;
  Price confidence;
};

/// Every listed market's oracle multiplied by (1 + pct): "-20" = all marks -20%.
struct ShockStep {
  std::vector<MarketId> markets;
  int64_t pct_bps = 0;  ///< > -10000
};

/// One ClockTick at the step's time (expiries, mark refresh, premium sample, funding when due).
struct TickStep {};

/// Time moves to `to` with a ClockTick every `every` (and oracle refreshes when kept fresh).
struct AdvanceStep {
  TimestampNs to = 0;     ///< scenario time (ns since SCENARIO_EPOCH)
  TimestampNs every = 0;  ///< > 0
};

/// Records the full state under a label.
struct SnapshotStep {
  std::string label;
};

struct LiquidityLevel {
  int64_t offset_bps = 0;  ///< from the shocked oracle: < 0 bids (down shocks), > 0 asks (up)
  Quote notional;          ///< size in USDC at the level's price (rounded down to the lot)
};

/// Independent what-if branches from the current state, one per shock: each replays the
/// scenario so far, applies the shock and holds it; the main line continues unshocked.
struct StressStep {
  std::vector<int64_t> shocks_bps;
  std::vector<MarketId> markets;
  bool cancel_orders = false;                  ///< makers step away before the shock
  std::optional<AccountId> liquidity_account;  ///< re-quotes around the shocked price
  std::vector<LiquidityLevel> levels;
  TimestampNs hold = 0;   ///< ns the shocked price is held (ticks + oracle refreshes)
  TimestampNs every = 0;  ///< tick interval while holding
};

using StepAction =
    std::variant<DepositStep, WithdrawStep, OrderStep, CancelStep, CancelAllStep, FillStep,
                 OracleStep, ShockStep, TickStep, AdvanceStep, SnapshotStep, StressStep>;

struct Step {
  size_t index = 0;    ///< 1-based position in the steps list (events carry it)
  TimestampNs at = 0;  ///< scenario time (ns since SCENARIO_EPOCH), non-decreasing
  SourceLoc loc;       ///< the step's action key, for run-time errors
  StepAction action;
};

struct Scenario {
  std::string name;
  std::string description;
  bool keep_oracles_fresh = true;  ///< re-publish every oracle at each new time (venue keeper)
  Quote insurance_fund;            ///< seeded at t = 0 (1e-6 USDC)
  std::vector<MarketDef> markets;
  std::vector<AccountDef> accounts;
  std::vector<Step> steps;

  /// The scenario's name for an engine account id ("insurance_fund" for the fund).
  std::string account_name(AccountId id) const;
};

}  // namespace qd::risk_sim
