#include "fix/directory.hpp"

namespace qd::fix {

Directory::Directory(const VenueConfig& config) {
  for (const MarketConfig& m : config.markets) {
    by_symbol_[m.symbol] = &m;
    by_id_[m.id] = &m;
  }
  for (const AccountConfig& a : config.accounts) {
    account_by_name_[a.id] = a.number;
    account_name_[a.number] = a.id;
  }
}

const MarketConfig* Directory::market(std::string_view symbol) const {
  auto it = by_symbol_.find(std::string(symbol));
  return it == by_symbol_.end() ? nullptr : it->second;
}

const MarketConfig* Directory::market(MarketId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

AccountId Directory::account(std::string_view name) const {
  auto it = account_by_name_.find(std::string(name));
  return it == account_by_name_.end() ? 0 : it->second;
}

const std::string& Directory::account_name(AccountId number) const {
  static const std::string none;
  auto it = account_name_.find(number);
  return it == account_name_.end() ? none : it->second;
}

}  // namespace qd::fix
