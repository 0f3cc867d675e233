#include "risk/adl_ranking.hpp"

#include <algorithm>

#include "risk/checked_math.hpp"
#include "risk/risk_units.hpp"

namespace qd::risk {

int64_t adl_score(const Position& position, Price mark, Quote equity) {
  if (position.base.raw == 0 || position.quote_entry.raw == 0) return 0;
  Wide pnl =
      div_floor(Wide(position.base) * Wide(mark), QTY_PRECISION) - Wide(position.quote_entry);
  Wide pnl_ppm = div_trunc(pnl * PPM, wabs(Wide(position.quote_entry)));
  Wide notional = div_ceil(wabs(Wide(position.base) * Wide(mark)), QTY_PRECISION);
  Wide eq = wmax(Wide(equity), 1);
  Wide leverage_ppm = wmax(div_floor(notional * PPM, eq), 1);
  if (!pnl.ok()) return 0;
  Wide score = pnl.value() >= 0 ? div_trunc(pnl_ppm * leverage_ppm, PPM)
                                : div_trunc(pnl_ppm * PPM, leverage_ppm);
  const int64_t if_failed = pnl.value() >= 0 ? INT64_MAX : INT64_MIN;
  return to_i64_saturating(score, if_failed);
}

std::vector<AdlRank> rank_for_adl(const std::vector<AdlCandidate>& candidates, Price mark) {
  std::vector<AdlRank> ranks;
  ranks.reserve(candidates.size());
  for (const AdlCandidate& c : candidates) {
    if (c.position.base.raw == 0) continue;
    ranks.push_back({c.account, adl_score(c.position, mark, c.equity), c.position.base});
  }
  std::sort(ranks.begin(), ranks.end(), [](const AdlRank& a, const AdlRank& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.account < b.account;
  });
  return ranks;
}

}  // namespace qd::risk
