#pragma once
// The margin engine the matching engine calls from its single thread. It owns every account,
// position, order exposure, market price state, the insurance fund and the venue fee account.
// Deterministic: no clock (command time `now` is passed in), no I/O, no randomness. Every call
// returns a plain value (risk_events.hpp) that the engine turns into Events; a call that fails
// changes nothing. risk/README.md gives the order of calls per command.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/market_spec.hpp"
#include "core/order_types.hpp"
#include "core/reject_reason.hpp"
#include "risk/account.hpp"
#include "risk/market_state.hpp"
#include "risk/risk_events.hpp"

namespace qd {
class ByteWriter;
class ByteReader;
}  // namespace qd

namespace qd::risk {

/// An account's margin at the current marks (cross margin over all its markets).
struct AccountMargin {
  Quote collateral;
  Quote pnl;                      ///< unrealized at the marks
  Quote equity;                   ///< collateral + pnl
  Quote equity_initial;           ///< collateral + losses + weighted gains
  Quote initial_requirement;      ///< worst case with resting orders
  Quote maintenance_requirement;  ///< worst case with resting orders
  Quote maintenance_positions_only;
  Quote liquidation_buffer;  ///< sum of each market's buffer on its position notional
  Quote position_notional;   ///< sum of |base| x mark
  Quote free_collateral;     ///< equity_initial - initial_requirement
};

struct MarginResult {
  RiskStatus status = RiskStatus::ok;
  AccountMargin margin;
};

/// A hypothetical extra resting order, for "after" margins.
struct OrderDelta {
  MarketId market = 0;
  Side side = Side::buy;
  Qty qty;
};

struct InvariantReport {
  std::vector<std::string> violations;
  bool ok() const { return violations.empty(); }
};

class RiskEngine {
 public:
  // --- setup (config, before trading; later through sequenced commands)
  RiskStatus add_market(const MarketSpec& spec, const MarketRiskParams& params);
  RiskStatus add_account(AccountId account);
  /// Replaces a market's parameters from now on (a sequenced config command): unknown_market,
  /// invalid_params (validate() fails; nothing changes). Positions, exposures, prices and the
  /// funding clock stay; requirements are recomputed with the new ratios at the next check.
  RiskStatus set_market_params(MarketId market, const MarketRiskParams& params);
  /// Pays money into the insurance fund from outside (config seed). amount > 0.
  RiskStatus seed_insurance_fund(Quote amount);

  // --- collateral
  /// amount > 0 (invalid_quantity), known account (unknown_account).
  CollateralResult deposit(AccountId account, Quote amount);
  /// Rejects insufficient_collateral (more than the cash balance),
  /// withdrawal_exceeds_free_collateral (free collateral would go negative) and oracle_invalid
  /// (an account holding positions while an oracle forbids withdrawals).
  CollateralResult withdraw(AccountId account, Quote amount, TimestampNs now);

  // --- orders
  /// Pre-trade check of a new order (or a replace's increase) before matching. price is the
  /// limit (or a market order's protection price). Reduce-only: rejected
  /// (reduce_only_would_increase) when flat or on the position's side, cut to |position| when
  /// larger (resized). Risk-increasing orders (worst-case position grows) are checked for the
  /// oracle (oracle_invalid), max position, the per-side OI cap and free collateral >= 0 after
  /// the whole order fills at its price paying the taker fee (insufficient_margin).
  OrderCheck check_order(AccountId account, MarketId market, Side side, Price price, Qty qty,
                         bool reduce_only, TimestampNs now) const;

  /// An order (or a replace's added quantity) now rests on the book with qty open.
  RiskStatus on_order_rested(AccountId account, MarketId market, Side side, Qty qty);
  /// A resting order's open quantity shrank by qty (replace down). Fills of resting orders are
  /// consumed by apply_trade / apply_fill: do not call this for them.
  RiskStatus on_order_reduced(AccountId account, MarketId market, Side side, Qty qty);
  /// A resting order left the book (cancel, expiry, STP) with qty still open.
  RiskStatus on_order_removed(AccountId account, MarketId market, Side side, Qty qty);

  // --- fills
  /// Both sides of a trade at the maker's price, maker first. The maker's resting exposure
  /// shrinks by qty. taker_is_liquidation: the taker is a liquidation order (liquidation fee to
  /// the insurance fund, capped at the account's equity, instead of the taker fee).
  TradeResult apply_trade(MarketId market, AccountId maker, AccountId taker, Side taker_side,
                          Price price, Qty qty, bool taker_is_liquidation = false);
  /// One side of a fill. Call it for both sides within the same command (apply_trade does):
  /// positions sum to zero only when both are applied. The buy side credits the notional
  /// rounding residue to the venue. Maker fills consume resting exposure.
  FillResult apply_fill(AccountId account, MarketId market, Side side, Price price, Qty qty,
                        Liquidity liquidity, bool liquidation = false);

  // --- prices and funding
  /// Records an oracle reading; recomputes the mark from the last book top (no EMA sample).
  OracleResult set_oracle(MarketId market, Price price, Price confidence, TimestampNs publish_time,
                          TimestampNs now, OracleSource source = OracleSource::primary);
  /// After any command that changed the book: steps the basis EMA, recomputes the mark, and takes
  /// a premium sample when the sample interval has passed.
  MarkResult update_mark(MarketId market, const BookTop& top, TimestampNs now);
  /// Pays funding when an interval boundary has passed (the first call starts the clock).
  FundingResult funding_tick(MarketId market, TimestampNs now);

  // --- liquidation
  /// Accounts with equity < maintenance at valid marks, ascending id. Accounts with a position
  /// in a market whose oracle blocks liquidation (or is paused) are skipped.
  std::vector<LiquidationCandidate> find_liquidatable(TimestampNs now) const;
  /// What to do with one account: cancel its orders first, or the reduce-only IOC to send.
  LiquidationPlan plan_liquidation(AccountId account, TimestampNs now) const;
  /// What the book could not absorb: the fund takes over the account's whole position in the
  /// market at the bankruptcy price (no fees) if its own equity stays >= 0 at the mark; else
  /// insurance_fund_insufficient (then call adl()). Whole, because a part closed at the
  /// bankruptcy price takes a proportional part of the equity and leaves the account exactly as
  /// liquidatable as before. Requires a liquidatable account with no resting orders.
  TakeoverResult insurance_takeover(AccountId account, MarketId market, TimestampNs now);
  /// Closes the account's whole position in the market against opposite positions ranked by
  /// PnL% x effective leverage (spec/adl_ranking.md) at the bankruptcy price, no fees.
  AdlResult adl(AccountId account, MarketId market, TimestampNs now);

  // --- queries
  MarginResult margin(AccountId account, const OrderDelta* extra = nullptr) const;
  bool is_liquidatable(AccountId account, TimestampNs now) const;
  /// The mark at which this position would meet maintenance, the rest of the account held at
  /// the current marks (margin_math.hpp); 0 = cannot be liquidated; nullopt when flat or unpriced.
  std::optional<Price> liquidation_price(AccountId account, MarketId market) const;
  const Account* account(AccountId account) const;  ///< INSURANCE_FUND_ACCOUNT = the fund
  const MarketState* market(MarketId market) const;
  std::optional<Quote> impact_notional(MarketId market) const;
  const InsuranceFund& insurance_fund() const { return insurance_; }
  const VenueFeeAccount& fee_account() const { return fees_; }
  const MoneyLedger& ledger() const { return ledger_; }
  const std::map<AccountId, Account>& accounts() const { return accounts_; }

  /// FNV-1a over all state in a fixed order (markets, accounts, fund, fees, ledger).
  uint64_t state_hash() const;
  /// Per market sum of base = 0 and OI = sum of longs; money conserved; flat accounts
  /// non-negative; exposures non-negative; positions settled to the current funding index.
  InvariantReport check_invariants() const;

  // --- engine snapshots (risk_snapshot.cpp)
  /// Appends the whole state (markets, accounts, fund, fee account, ledger) to w.
  void save_state(ByteWriter& w) const;
  /// Replaces the state with what save_state wrote. The snapshot's markets must be this engine's
  /// (same ids and symbols); accounts it does not hold (configured since) are kept as they are.
  /// Throws std::runtime_error on malformed input, leaving the engine unusable: start afresh.
  void load_state(ByteReader& r);

 private:
  MarginResult margin_of(const Account& a, const OrderDelta* extra) const;
  Account* find_account(AccountId id);
  const Account* find_account(AccountId id) const;
  MarketState* find_market(MarketId id);
  const MarketState* find_market(MarketId id) const;

  // Applies one side of a fill: everything is computed first, then committed. Maker fills
  // consume resting exposure; charge_fees false for takeovers and ADL.
  FillResult apply_side(Account& a, MarketState& m, MarketId market, Side side, Price price,
                        Qty qty, Liquidity liquidity, bool liquidation, bool charge_fees);
  void refresh_mark(MarketState& m, TimestampNs now, bool step_ema, MarkResult* out);
  DeficitCovered cover_deficit(Account& a);
  // Shared checks of takeover and ADL: the account, its position and the bankruptcy price.
  RiskStatus prepare_bankruptcy_close(AccountId account, MarketId market, TimestampNs now,
                                      Account*& a, MarketState*& m, Qty& close, Side& side,
                                      Price& bankruptcy);
  // Closes qty between two accounts at price without fees (takeover, ADL).
  RiskStatus transfer(Account& from, Account& to, MarketState& m, MarketId market, Side from_side,
                      Price price, Qty qty, Quote* to_realized);
  bool liquidation_allowed(const Account& a, TimestampNs now) const;

  std::map<MarketId, MarketState> markets_;
  std::map<AccountId, Account> accounts_;
  InsuranceFund insurance_;
  VenueFeeAccount fees_;
  MoneyLedger ledger_;
};

}  // namespace qd::risk
