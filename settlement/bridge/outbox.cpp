#include "settlement/bridge/outbox.hpp"

#include "risk/account.hpp"

namespace qd::settlement {

Outbox::Outbox(SeqNo cursor, std::map<AccountId, AccountLedger> accounts)
    : cursor_(cursor), read_seq_(cursor), accounts_(std::move(accounts)) {}

void Outbox::flow(AccountId account, Quote collateral_after, TimestampNs ts) {
  if (account == risk::INSURANCE_FUND_ACCOUNT) return;  // venue money: stays in the vault
  AccountLedger& a = accounts_[account];
  const Quote delta = collateral_after - a.last_collateral;
  a.last_collateral = collateral_after;
  if (delta.is_zero()) return;
  a.unsettled += delta;
  if (!open_flows_) first_ts_ = ts;
  open_flows_ = true;
}

bool Outbox::apply(const Event& e) {
  if (e.seq < read_seq_ || e.seq <= cursor_) return false;
  read_seq_ = e.seq;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, OrderFilled>) {
          if (b.liquidity == Liquidity::maker) {
            if (!open_flows_) first_ts_ = e.ts;
            open_flows_ = true;
            fills_.push_back(fill_from_maker_event(b));
          }
          flow(b.order.origin.account, b.collateral_after, e.ts);
        } else if constexpr (std::is_same_v<T, FundingPaid>) {
          flow(b.account, b.collateral_after, e.ts);
        } else if constexpr (std::is_same_v<T, CollateralChanged>) {
          if (b.account == risk::INSURANCE_FUND_ACCOUNT) return;
          // The deposit or withdrawal moves the baseline; any other difference (there should be
          // none) stays a flow so collateral == baseline + flows always holds.
          AccountLedger& a = accounts_[b.account];
          a.baseline += b.amount;
          a.last_collateral += b.amount;
          flow(b.account, b.collateral_after, e.ts);
        } else if constexpr (std::is_same_v<T, InsuranceTakeover>) {
          flow(b.account, b.account_collateral_after, e.ts);
        } else if constexpr (std::is_same_v<T, AutoDeleveraged>) {
          flow(b.counterparty, b.counterparty_collateral_after, e.ts);
          flow(b.account, b.account_collateral_after, e.ts);
        } else if constexpr (std::is_same_v<T, DeficitCovered>) {
          flow(b.account, Quote(0), e.ts);  // a flat account's negative collateral is reset to 0
        }
      },
      e.body);
  return true;
}

bool Outbox::has_settleable(const std::function<bool(AccountId)>& settleable) const {
  for (const auto& [id, a] : accounts_) {
    if (!a.unsettled.is_zero() && settleable(id)) return true;
  }
  return false;
}

ClosedBatch Outbox::close(const std::function<bool(AccountId)>& settleable) {
  ClosedBatch b;
  b.from_seq = cursor_;
  b.to_seq = read_seq_;
  b.fills = std::move(fills_);
  b.first_event_ts = first_ts_;
  for (auto& [id, a] : accounts_) {
    if (a.unsettled.is_zero() || !settleable(id)) continue;
    b.transfers.push_back({id, a.unsettled});
    a.unsettled = Quote(0);
  }
  fills_.clear();
  open_flows_ = false;
  first_ts_ = 0;
  cursor_ = read_seq_;
  return b;
}

void Outbox::checkpoint() {
  if (open_flows_) return;
  cursor_ = read_seq_;
}

void Outbox::return_unsettled(AccountId account, Quote amount) {
  accounts_[account].unsettled += amount;
}

}  // namespace qd::settlement
