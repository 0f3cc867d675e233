#include "app/gateway/settlement_drop_copy.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "core/decimal.hpp"
#include "fix/fix_time.hpp"
#include "fix/report_encoder.hpp"
#include "fix/venue_tags.hpp"

namespace qd {

namespace {
namespace t = fix::std_tag;
namespace vt = fix::tag;

bool watches(const std::vector<AccountId>& accounts, AccountId account) {
  return std::find(accounts.begin(), accounts.end(), account) != accounts.end();
}

void add_side(FIX::Message& m, const settlement::FillSideSettlement& s, Side side, OrderId order,
              const fix::Directory& directory) {
  FIX::Group g(t::NoSides, t::Side);
  g.setField(t::Side, side == Side::buy ? "1" : "2");
  g.setField(t::OrderID, std::to_string(order));
  const std::string& account = directory.account_name(s.account);
  if (!account.empty()) g.setField(t::Account, account);
  g.setField(vt::SettlementSideStatus, settlement::to_string(s.status));
  m.addGroup(g);
}
}  // namespace

FIX::Message settlement_trade_capture(const settlement::BatchConfirmation& batch,
                                      const settlement::SettledFill& fill,
                                      const std::vector<AccountId>& accounts,
                                      const fix::Directory& directory, int timestamp_digits,
                                      TimestampNs now) {
  const settlement::SettlementFill& f = fill.fill;
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType("AE"));
  m.setField(t::TradeReportID,
             std::to_string(batch.batch_id) + "-" + std::to_string(fill.leaf_index));
  m.setField(t::TradeReportTransType, "0");  // new
  m.setField(t::TradeReportType, "0");       // submit
  m.setField(vt::TradeID, fix::exec_id_text(f.trade_id));
  m.setField(t::PreviouslyReported, "Y");  // the fill itself was reported when it happened
  if (const MarketConfig* market = directory.market(f.market))
    m.setField(t::Symbol, market->symbol);
  m.setField(t::LastQty, to_string(f.qty));
  m.setField(t::LastPx, to_string(f.price));
  m.setField(t::TradeDate, fix::format_utc_timestamp(now, 0).substr(0, 8));
  m.setField(t::TransactTime, fix::format_utc_timestamp(now, timestamp_digits));
  const Side taker = f.aggressor_side;
  const Side maker = taker == Side::buy ? Side::sell : Side::buy;
  add_side(m, fill.maker, maker, f.maker_order, directory);
  add_side(m, fill.taker, taker, f.taker_order, directory);
  m.setField(vt::SettlementBatchID, std::to_string(batch.batch_id));
  m.setField(vt::SettlementTxSignature,
             watches(accounts, fill.maker.account) ? fill.maker.signature : fill.taker.signature);
  m.setField(vt::SettlementMerkleProof, fill.proof_hex);
  m.setField(vt::SettlementLeafIndex, std::to_string(fill.leaf_index));
  m.setField(vt::SettlementLeafCount, std::to_string(batch.fill_count));
  m.setField(vt::SettlementMerkleRoot, batch.merkle_root_hex);
  m.setField(vt::SettlementFillBytes, fill.fill_bytes_hex);
  return m;
}

void SettlementDropCopy::on_batch_confirmed(const settlement::BatchConfirmation& confirmation) {
  const TimestampNs now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  size_t sent = 0;
  for (const settlement::SettledFill& fill : confirmation.fills) {
    const std::array<AccountId, 2> accounts{fill.maker.account, fill.taker.account};
    sent += drop_copy_.send_to_watchers(accounts, [&](const fix::SessionHandle& session) {
      return std::optional<FIX::Message>(
          settlement_trade_capture(confirmation, fill, session.accounts, directory_,
                                   int(session.config.quickfix.timestamp_precision), now));
    });
  }
  spdlog::info("event=settlement_drop_copy batch={} fills={} reports={}", confirmation.batch_id,
               confirmation.fills.size(), sent);
}

}  // namespace qd
