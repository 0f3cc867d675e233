#include "app/risk_sim/report.hpp"

#include "core/decimal.hpp"
#include "risk/margin_math.hpp"

namespace qd::risk_sim {

namespace {

template <class T>
std::string dec(T v) {
  return qd::to_string(v);
}

const char* side_name(Side s) {
  return s == Side::buy ? "buy" : "sell";
}

/// A 1e-9 rate as a percentage with seven decimals: 875'000 -> "0.0875".
std::string rate_pct(int64_t rate_e9) {
  return format_decimal(rate_e9, 7);
}

Json price_or_null(std::optional<Price> p) {
  if (!p || p->raw <= 0) return nullptr;
  return dec(*p);
}

/// |quote| / |base| as a price (1e-6 per whole base unit), truncated; signs kept (entry and
/// break-even carry the position's sign, so the quotient is positive for a normal position).
std::string per_unit(Quote quote, Qty base) {
  const __int128 q = static_cast<__int128>(quote.raw) * QTY_PRECISION / base.raw;
  return format_decimal(static_cast<int64_t>(q), PRICE_DECIMALS);
}

std::string symbol(const Scenario& s, MarketId m) {
  return m < s.markets.size() ? s.markets[m].spec.symbol : "#" + std::to_string(m);
}

std::string client_id(const std::map<OrderId, std::string>& ids, const OrderState& o) {
  auto it = ids.find(o.order_id);
  return it != ids.end() ? it->second : std::string(o.client_id.view());
}

Json position_json(const risk::RiskEngine& risk, const Scenario& s, AccountId id, MarketId mid,
                   const risk::AccountMarket& am) {
  const risk::MarketState& m = *risk.market(mid);
  const risk::Position& p = am.position;
  Json j;
  j["market"] = symbol(s, mid);
  j["base"] = dec(p.base);
  j["entry_price"] = per_unit(p.quote_entry, p.base);
  j["break_even_price"] = per_unit(p.quote_break_even, p.base);
  j["quote_entry"] = dec(p.quote_entry);
  j["realized_pnl"] = dec(p.realized_pnl);
  j["mark"] = m.has_mark ? Json(dec(m.mark)) : Json(nullptr);
  if (m.has_mark) {
    const risk::MarketRiskParams& rp = m.params;
    const auto pm = risk::position_margin(
        risk::PositionMarginInput{p, am.orders.bids, am.orders.asks, m.mark, rp.initial_margin_bps,
                                  rp.maintenance_margin_bps, rp.imf_factor_ppm, rp.gain_weight_bps,
                                  m.long_open_interest, rp.oi_ramp_lower, rp.oi_ramp_upper});
    if (pm) {
      j["notional"] = dec(pm->notional);
      j["unrealized_pnl"] = dec(pm->pnl);
      j["initial_margin"] = dec(pm->initial_requirement);
      j["maintenance_margin"] = dec(pm->maintenance_requirement);
    }
  }
  j["liquidation_price"] = price_or_null(risk.liquidation_price(id, mid));
  return j;
}

Json positions_json(const risk::RiskEngine& risk, const Scenario& s, const risk::Account& a) {
  Json list = Json::array();
  for (const auto& [mid, am] : a.markets) {
    if (am.position.is_open()) list.push_back(position_json(risk, s, a.id, mid, am));
  }
  return list;
}

void margin_fields(const risk::RiskEngine& risk, AccountId id, Json& j) {
  const risk::MarginResult mr = risk.margin(id);
  if (mr.status != risk::RiskStatus::ok) {
    j["margin_status"] = risk::to_string(mr.status);
    return;
  }
  const risk::AccountMargin& m = mr.margin;
  j["unrealized_pnl"] = dec(m.pnl);
  j["equity"] = dec(m.equity);
  j["initial_margin"] = dec(m.initial_requirement);
  j["maintenance_margin"] = dec(m.maintenance_requirement);
  j["free_collateral"] = dec(m.free_collateral);
}

}  // namespace

std::string scenario_time(TimestampNs now) {
  return format_decimal(now - SCENARIO_EPOCH, 9);
}

void Tally::add(const Event& e) {
  if (const auto* f = std::get_if<OrderFilled>(&e.body)) {
    if (f->liquidity == Liquidity::taker) ++trades;
    if (f->liquidation) {
      ++liquidation_fills;
      liquidation_fees += f->fee;
    }
  } else if (std::holds_alternative<OrderRejected>(e.body)) {
    ++rejected_orders;
  } else if (const auto* c = std::get_if<CollateralRejected>(&e.body)) {
    if (c->reason_kind == CollateralReason::withdrawal) ++rejected_withdrawals;
  } else if (const auto* l = std::get_if<LiquidationTriggered>(&e.body)) {
    ++liquidations;
    liquidated.insert(l->account);
  } else if (std::holds_alternative<InsuranceTakeover>(e.body)) {
    ++takeovers;
  } else if (std::holds_alternative<AutoDeleveraged>(e.body)) {
    ++adl_fills;
  } else if (std::holds_alternative<FundingPaid>(e.body)) {
    ++funding_payments;
  } else if (const auto* d = std::get_if<DeficitCovered>(&e.body)) {
    ++deficits;
    deficit_total += d->deficit;
    insurance_paid += d->insurance_paid;
    socialized += d->socialized;
  }
}

Json Tally::to_json(const Scenario& s) const {
  Json j;
  j["trades"] = trades;
  j["liquidations"] = liquidations;
  Json names = Json::array();
  for (AccountId a : liquidated) names.push_back(s.account_name(a));
  j["liquidated_accounts"] = names;
  j["liquidation_fills"] = liquidation_fills;
  j["liquidation_fees"] = dec(liquidation_fees);
  j["takeovers"] = takeovers;
  j["adl_fills"] = adl_fills;
  j["deficits"] = deficits;
  j["deficit_total"] = dec(deficit_total);
  j["insurance_paid"] = dec(insurance_paid);
  j["socialized_loss"] = dec(socialized);
  j["funding_payments"] = funding_payments;
  j["rejected_orders"] = rejected_orders;
  j["rejected_withdrawals"] = rejected_withdrawals;
  return j;
}

Json event_json(const Event& e, const Scenario& s, size_t step,
                const std::map<OrderId, std::string>& ids) {
  Json j;
  j["t"] = scenario_time(e.ts);
  j["step"] = step;
  auto name = [&](AccountId a) { return s.account_name(a); };
  auto order_fields = [&](const OrderState& o) {
    j["account"] = name(o.origin.account);
    j["market"] = symbol(s, o.market);
    j["order"] = client_id(ids, o);
    j["side"] = side_name(o.side);
  };
  bool keep = true;
  std::visit(
      [&](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, OrderFilled>) {
          j["type"] = "fill";
          order_fields(ev.order);
          j["liquidity"] = ev.liquidity == Liquidity::maker ? "maker" : "taker";
          j["price"] = dec(ev.last_price);
          j["qty"] = dec(ev.last_qty);
          j["fee"] = dec(ev.fee);
          j["realized_pnl"] = dec(ev.realized_pnl);
          j["position_after"] = dec(ev.position_after);
          j["collateral_after"] = dec(ev.collateral_after);
          j["counterparty"] = name(ev.counterparty_account);
          j["liquidation"] = ev.liquidation;
        } else if constexpr (std::is_same_v<T, OrderRejected>) {
          j["type"] = "order_rejected";
          order_fields(ev.order);
          j["price"] = dec(ev.order.price);
          j["qty"] = dec(ev.order.order_qty);
          j["reason"] = to_string(ev.reason);
          j["text"] = ev.text;
        } else if constexpr (std::is_same_v<T, OrderCanceled>) {
          j["type"] = "order_canceled";
          order_fields(ev.order);
          j["canceled_qty"] = dec(ev.canceled_qty);
          j["reason"] = to_string(ev.reason);
        } else if constexpr (std::is_same_v<T, OrderRestated>) {
          j["type"] = "order_restated";
          order_fields(ev.order);
          j["reduced_by"] = dec(ev.reduced_by);
          j["leaves_qty"] = dec(ev.order.leaves_qty);
          j["reason"] = to_string(ev.reason);
        } else if constexpr (std::is_same_v<T, CancelRejected>) {
          j["type"] = "cancel_rejected";
          j["account"] = name(ev.origin.account);
          j["market"] = symbol(s, ev.market);
          j["order"] = std::string(ev.orig_client_id.view());
          j["reason"] = to_string(ev.reason);
        } else if constexpr (std::is_same_v<T, CollateralChanged>) {
          j["type"] = ev.reason == CollateralReason::deposit ? "deposit" : "withdrawal";
          j["account"] = name(ev.account);
          j["amount"] = dec(ev.amount);
          j["collateral_after"] = dec(ev.collateral_after);
        } else if constexpr (std::is_same_v<T, CollateralRejected>) {
          j["type"] = ev.reason_kind == CollateralReason::deposit ? "deposit_rejected"
                                                                  : "withdrawal_rejected";
          j["account"] = name(ev.account);
          j["amount"] = dec(ev.amount);
          j["reason"] = to_string(ev.reason);
          j["text"] = ev.text;
        } else if constexpr (std::is_same_v<T, FundingRateApplied>) {
          j["type"] = "funding_rate";
          j["market"] = symbol(s, ev.market);
          j["average_premium_pct"] = rate_pct(ev.average_premium);
          j["rate_8h_pct"] = rate_pct(ev.rate_8h);
          j["rate_pct"] = rate_pct(ev.rate);
          j["oracle_twap"] = dec(ev.oracle_twap);
          j["residue_to_venue"] = dec(ev.residue_to_venue);
        } else if constexpr (std::is_same_v<T, FundingPaid>) {
          j["type"] = "funding_paid";
          j["market"] = symbol(s, ev.market);
          j["account"] = name(ev.account);
          j["base"] = dec(ev.base);
          j["amount"] = dec(ev.amount);
          j["collateral_after"] = dec(ev.collateral_after);
        } else if constexpr (std::is_same_v<T, LiquidationTriggered>) {
          j["type"] = "liquidation";
          j["account"] = name(ev.account);
          j["market"] = symbol(s, ev.market);
          j["equity"] = dec(ev.equity);
          j["maintenance_margin"] = dec(ev.maintenance);
          j["shortage"] = dec(ev.shortage);
          j["qty"] = dec(ev.qty);
          j["limit_price"] = dec(ev.limit_price);
          j["bankruptcy_price"] = dec(ev.bankruptcy_price);
        } else if constexpr (std::is_same_v<T, InsuranceTakeover>) {
          j["type"] = "takeover";
          j["account"] = name(ev.account);
          j["market"] = symbol(s, ev.market);
          j["side"] = side_name(ev.account_side);
          j["qty"] = dec(ev.qty);
          j["price"] = dec(ev.price);
          j["collateral_after"] = dec(ev.account_collateral_after);
          j["fund_balance_after"] = dec(ev.fund_collateral_after);
        } else if constexpr (std::is_same_v<T, AutoDeleveraged>) {
          j["type"] = "adl";
          j["account"] = name(ev.account);
          j["counterparty"] = name(ev.counterparty);
          j["market"] = symbol(s, ev.market);
          j["counterparty_side"] = side_name(ev.counterparty_side);
          j["qty"] = dec(ev.qty);
          j["price"] = dec(ev.price);
          j["counterparty_realized_pnl"] = dec(ev.counterparty_realized_pnl);
          j["counterparty_position_after"] = dec(ev.counterparty_position_after);
          j["counterparty_collateral_after"] = dec(ev.counterparty_collateral_after);
          j["collateral_after"] = dec(ev.account_collateral_after);
        } else if constexpr (std::is_same_v<T, DeficitCovered>) {
          j["type"] = "deficit";
          j["account"] = name(ev.account);
          j["deficit"] = dec(ev.deficit);
          j["insurance_paid"] = dec(ev.insurance_paid);
          j["socialized"] = dec(ev.socialized);
        } else {
          keep = false;
        }
      },
      e.body);
  return keep ? j : Json(nullptr);
}

Json state_json(const Exchange& ex, const Scenario& s, TimestampNs now,
                const std::map<OrderId, std::string>& ids) {
  const risk::RiskEngine& risk = *ex.risk();
  Json j;
  j["t"] = scenario_time(now);

  Json markets = Json::array();
  for (const MarketDef& def : s.markets) {
    const MarketId mid = def.spec.id;
    const risk::MarketState& m = *risk.market(mid);
    const int64_t tick = def.spec.tick_size.raw;
    Json mj;
    mj["market"] = def.spec.symbol;
    mj["oracle"] = dec(m.oracle_price(now));
    mj["oracle_validity"] = risk::to_string(m.validity(now));
    mj["mark"] = m.has_mark ? Json(dec(m.mark)) : Json(nullptr);
    const auto bid = ex.book(mid).best_bid();
    const auto ask = ex.book(mid).best_ask();
    mj["best_bid"] = bid ? Json(dec(Price(*bid * tick))) : Json(nullptr);
    mj["best_ask"] = ask ? Json(dec(Price(*ask * tick))) : Json(nullptr);
    mj["open_interest"] = dec(m.long_open_interest);
    mj["last_funding_rate_pct"] = rate_pct(m.last_rate);
    markets.push_back(mj);
  }
  j["markets"] = markets;

  Json accounts = Json::array();
  for (const AccountDef& def : s.accounts) {
    const risk::Account& a = *risk.account(def.id);
    Json aj;
    aj["account"] = def.name;
    aj["collateral"] = dec(a.collateral);
    margin_fields(risk, def.id, aj);
    aj["positions"] = positions_json(risk, s, a);
    Json orders = Json::array();
    for (const auto& [oid, cid] : ids) {
      const OrderRecord* r = ex.order(oid);
      if (r == nullptr || !r->resting || r->state.origin.account != def.id) continue;
      Json oj;
      oj["order"] = cid;
      oj["market"] = symbol(s, r->state.market);
      oj["side"] = side_name(r->state.side);
      oj["price"] = dec(r->state.price);
      oj["leaves_qty"] = dec(r->state.leaves_qty);
      orders.push_back(oj);
    }
    aj["open_orders"] = orders;
    accounts.push_back(aj);
  }
  j["accounts"] = accounts;

  const risk::InsuranceFund& fund = risk.insurance_fund();
  Json fj;
  fj["balance"] = dec(fund.account.collateral);
  margin_fields(risk, risk::INSURANCE_FUND_ACCOUNT, fj);
  fj["seeded"] = dec(fund.seeded);
  fj["liquidation_fees"] = dec(fund.liquidation_fees);
  fj["deficits_paid"] = dec(fund.deficits_paid);
  fj["positions"] = positions_json(risk, s, fund.account);
  j["insurance_fund"] = fj;

  const risk::VenueFeeAccount& fees = risk.fee_account();
  Json fe;
  fe["balance"] = dec(fees.balance);
  fe["trading_fees"] = dec(fees.trading_fees);
  fe["rebates_paid"] = dec(fees.rebates_paid);
  fe["rounding_residue"] = dec(fees.rounding_residue);
  fe["funding_residue"] = dec(fees.funding_residue);
  j["fee_account"] = fe;

  const risk::MoneyLedger& ledger = risk.ledger();
  Json lj;
  lj["deposits"] = dec(ledger.deposits);
  lj["withdrawals"] = dec(ledger.withdrawals);
  lj["socialized_loss"] = dec(ledger.socialized_loss);
  j["ledger"] = lj;
  return j;
}

Json markets_json(const Scenario& s) {
  Json list = Json::array();
  for (const MarketDef& m : s.markets) {
    const risk::MarketRiskParams& p = m.params;
    Json j;
    j["market"] = m.spec.symbol;
    j["tick_size"] = dec(m.spec.tick_size);
    j["lot_size"] = dec(m.spec.lot_size);
    j["price_band_pct"] = format_decimal(m.spec.price_band_bps, 2);
    j["initial_margin_pct"] = format_decimal(p.initial_margin_bps, 2);
    j["maintenance_margin_pct"] = format_decimal(p.maintenance_margin_bps, 2);
    j["maker_fee_bps"] = format_decimal(p.maker_fee_ppm, 2);
    j["taker_fee_bps"] = format_decimal(p.taker_fee_ppm, 2);
    j["liquidation_fee_pct"] = format_decimal(p.liquidation_fee_bps, 2);
    j["liquidation_buffer_pct"] = format_decimal(p.liquidation_buffer_bps, 2);
    j["funding_interval_s"] = format_decimal(p.funding.interval_ns, 9);
    j["oracle_price"] = dec(m.oracle);
    list.push_back(j);
  }
  return list;
}

}  // namespace qd::risk_sim
