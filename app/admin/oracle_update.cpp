#include "app/admin/oracle_update.hpp"

#include "engine/exchange.hpp"

namespace qd::admin {

CommandBody oracle_update_command(MarketId market, Price price, TimestampNs publish_time) {
  return SetOraclePrice{market, price, Price(0), publish_time, false};
}

bool oracle_update_applied(const Exchange& exchange, MarketId market, Price price,
                           TimestampNs publish_time) {
  if (const risk::RiskEngine* risk = exchange.risk()) {
    const risk::MarketState* m = risk->market(market);
    // The venue republishes admin prices every second: a later reading of the same price also
    // shows ours landed; a later one of another price means it was overtaken.
    return m != nullptr && m->primary.has_reading && m->primary.last.price == price &&
           m->primary.last.publish_time >= publish_time;
  }
  const auto mark = exchange.mark(market);
  return mark && *mark == price;
}

}  // namespace qd::admin
