#pragma once
// Auto-deleveraging order (BitMEX): profitable, highly leveraged positions first.
// score = PnL% x effective leverage when PnL >= 0, PnL% / effective leverage when PnL < 0, where
// PnL% = unrealized PnL / |entry| and effective leverage = |notional at mark| / account equity
// (equity floored at 1e-6 USDC, so an account with no equity ranks as infinitely leveraged).
// Ties go to the lower account id. spec/adl_ranking.md is the reference.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "risk/position.hpp"

namespace qd::risk {

struct AdlCandidate {
  AccountId account = 0;
  Position position;  ///< the candidate's position in the market (opposite to the bankrupt one)
  Quote equity;       ///< the candidate account's equity at the mark (1e-6 USDC)
};

/// The score in 1e-6 units (1'000'000 = PnL% 100% at leverage 1), saturating at int64 bounds.
int64_t adl_score(const Position& position, Price mark, Quote equity);

struct AdlRank {
  AccountId account = 0;
  int64_t score = 0;
  Qty base;  ///< the candidate's signed position
};

/// Candidates sorted by score, highest first, ties by account id ascending.
std::vector<AdlRank> rank_for_adl(const std::vector<AdlCandidate>& candidates, Price mark);

}  // namespace qd::risk
