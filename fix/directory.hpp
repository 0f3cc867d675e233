#pragma once
// Name lookups the codec needs: symbol <-> market, account id text <-> account number. Built once
// from the venue config; the config must outlive it.

#include <string>
#include <string_view>
#include <unordered_map>

#include "app/config/venue_config.hpp"

namespace qd::fix {

class Directory {
 public:
  explicit Directory(const VenueConfig& config);

  const MarketConfig* market(std::string_view symbol) const;
  const MarketConfig* market(MarketId id) const;
  /// 0 when unknown.
  AccountId account(std::string_view name) const;
  /// "" when unknown.
  const std::string& account_name(AccountId number) const;

 private:
  std::unordered_map<std::string, const MarketConfig*> by_symbol_;
  std::unordered_map<MarketId, const MarketConfig*> by_id_;
  std::unordered_map<std::string, AccountId> account_by_name_;
  std::unordered_map<AccountId, std::string> account_name_;
};

}  // namespace qd::fix
