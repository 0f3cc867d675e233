// RiskEngine: its whole state to and from an engine snapshot (risk_snapshot.hpp lists the fields).
#include "risk/risk_snapshot.hpp"

#include <string>

#include "risk/risk_engine.hpp"

namespace qd::risk {

void RiskEngine::save_state(ByteWriter& w) const {
  auto& self = const_cast<RiskEngine&>(*this);  // the writer only reads what it is given
  describe_map(w, self.markets_);
  describe_map(w, self.accounts_);
  w(self.insurance_);
  w(self.fees_);
  w(self.ledger_);
}

void RiskEngine::load_state(ByteReader& r) {
  std::map<MarketId, MarketState> markets;
  describe_map(r, markets);
  if (markets.size() != markets_.size())
    throw std::runtime_error("snapshot: " + std::to_string(markets.size()) +
                             " margin markets, the configuration has " +
                             std::to_string(markets_.size()));
  for (const auto& [id, m] : markets) {
    if (markets_.count(id) == 0 || markets_.at(id).spec.symbol != m.spec.symbol)
      throw std::runtime_error("snapshot: margin market " + std::to_string(id) + " (" +
                               m.spec.symbol + ") is not configured");
  }
  std::map<AccountId, Account> accounts;
  describe_map(r, accounts);
  InsuranceFund insurance;
  VenueFeeAccount fees;
  MoneyLedger ledger;
  r(insurance);
  r(fees);
  r(ledger);
  markets_ = std::move(markets);
  // Accounts configured since the snapshot was taken start empty, as a full replay has them.
  for (auto& [id, a] : accounts) accounts_[id] = std::move(a);
  insurance_ = std::move(insurance);
  fees_ = fees;
  ledger_ = ledger;
}

}  // namespace qd::risk
