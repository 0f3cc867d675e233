#include "fix/market_data_codec.hpp"

#include <algorithm>
#include <map>

#include "core/decimal.hpp"
#include "fix/fix_time.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {

namespace f = FIX::FIELD;

namespace {

// Group field order, as spec/FIX44-venue.xml defines the groups (QuickFIX writes them so).
const int kSnapshotOrder[] = {f::MDEntryType, f::MDEntryPx,       f::MDEntrySize,
                              f::MDEntryDate, f::MDEntryTime,     f::NumberOfOrders,
                              tag::TradeID,   tag::AggressorSide, 0};
const int kIncrementalOrder[] = {f::MDUpdateAction,
                                 f::MDEntryType,
                                 f::Symbol,
                                 f::MDEntryPx,
                                 f::MDEntrySize,
                                 f::MDEntryDate,
                                 f::MDEntryTime,
                                 f::NumberOfOrders,
                                 tag::TradeID,
                                 tag::AggressorSide,
                                 0};

std::string field_or_empty(const FIX::FieldMap& m, int tag) {
  return m.isSetField(tag) ? m.getField(tag) : std::string();
}

MdRejection refuse(const std::string& id, std::optional<char> reason, std::string text) {
  return MdRejection{id, reason, std::move(text)};
}

void put_entry(FIX::FieldMap& g, const MdEntryOut& e) {
  if (e.price) g.setField(f::MDEntryPx, to_string(*e.price));
  if (e.rate) g.setField(f::MDEntryPx, format_decimal(*e.rate, 9));
  if (e.size) g.setField(f::MDEntrySize, to_string(*e.size));
  if (e.ts != 0) {
    const std::string t = format_utc_timestamp(e.ts, 6);  // YYYYMMDD-HH:MM:SS.ffffff
    g.setField(f::MDEntryDate, t.substr(0, 8));
    g.setField(f::MDEntryTime, t.substr(9));
  }
  if (e.orders) g.setField(f::NumberOfOrders, std::to_string(*e.orders));
  if (e.trade_id)
    g.setField(tag::TradeID,
               std::to_string(e.trade_id->seq) + '.' + std::to_string(e.trade_id->index));
  if (e.aggressor) g.setField(tag::AggressorSide, e.aggressor == Side::buy ? "1" : "2");
}

MdEntryOut level_entry(MdAction a, MdEntry type, MarketId m, const DepthLevel& l) {
  MdEntryOut e;
  e.action = a;
  e.type = type;
  e.market = m;
  e.price = l.price;
  if (a != MdAction::del) {
    e.size = l.qty;
    e.orders = l.orders;
  }
  return e;
}

/// Levels keyed by price: what changed between what the subscriber holds and the current top N.
void diff_side(MarketId m, MdEntry type, const std::vector<DepthLevel>& now, uint32_t depth,
               std::vector<DepthLevel>& held, std::vector<MdEntryOut>& out) {
  const size_t n = depth == 0 ? now.size() : std::min<size_t>(depth, now.size());
  std::map<int64_t, const DepthLevel*> cur;
  for (size_t i = 0; i < n; ++i) cur.emplace(now[i].price.raw, &now[i]);
  std::map<int64_t, const DepthLevel*> old;
  for (const DepthLevel& l : held) old.emplace(l.price.raw, &l);
  // Deletes first, so a top-N subscriber never holds more than N levels.
  for (const auto& [px, l] : old)
    if (!cur.count(px)) out.push_back(level_entry(MdAction::del, type, m, *l));
  for (size_t i = 0; i < n; ++i) {
    auto it = old.find(now[i].price.raw);
    if (it == old.end())
      out.push_back(level_entry(MdAction::new_, type, m, now[i]));
    else if (!(*it->second == now[i]))
      out.push_back(level_entry(MdAction::change, type, m, now[i]));
  }
  held.assign(now.begin(), now.begin() + std::ptrdiff_t(n));
}

MdEntryOut stat_entry(MdAction a, MdEntry type, MarketId m) {
  MdEntryOut e;
  e.action = a;
  e.type = type;
  e.market = m;
  return e;
}

/// The statistics entries whose value differs from what the subscriber holds (all of them for a
/// snapshot, where `held` is empty).
void stat_entries(MarketId m, const MarketStats& now, MdEntryMask mask, MarketStats& held,
                  std::vector<MdEntryOut>& out) {
  auto action = [](bool had) { return had ? MdAction::change : MdAction::new_; };
  if (mask.has(MdEntry::index) && now.oracle && now.oracle != held.oracle) {
    MdEntryOut e = stat_entry(action(held.oracle.has_value()), MdEntry::index, m);
    e.price = now.oracle;
    out.push_back(e);
  }
  if (mask.has(MdEntry::mark) && now.mark && now.mark != held.mark) {
    MdEntryOut e = stat_entry(action(held.mark.has_value()), MdEntry::mark, m);
    e.price = now.mark;
    out.push_back(e);
  }
  if (mask.has(MdEntry::funding) && now.funding_rate &&
      (now.funding_rate != held.funding_rate || now.funding_ts != held.funding_ts)) {
    MdEntryOut e = stat_entry(action(held.funding_rate.has_value()), MdEntry::funding, m);
    e.rate = now.funding_rate;
    e.ts = now.funding_ts;
    out.push_back(e);
  }
  if (mask.has(MdEntry::open_interest) && now.open_interest &&
      now.open_interest != held.open_interest) {
    MdEntryOut e = stat_entry(action(held.open_interest.has_value()), MdEntry::open_interest, m);
    e.size = now.open_interest;
    out.push_back(e);
  }
  held = now;
}

}  // namespace

char md_entry_code(MdEntry e) {
  switch (e) {
    case MdEntry::bid:
      return '0';
    case MdEntry::offer:
      return '1';
    case MdEntry::trade:
      return '2';
    case MdEntry::index:
      return '3';
    case MdEntry::open_interest:
      return 'C';
    case MdEntry::mark:
      return 'm';
    case MdEntry::funding:
      return 'f';
  }
  return '?';
}

std::optional<MdEntry> md_entry_from(char c) {
  for (int i = 0; i < kMdEntryKinds; ++i)
    if (md_entry_code(MdEntry(i)) == c) return MdEntry(i);
  return std::nullopt;
}

std::variant<MdRequest, MdRejection> decode_md_request(const FIX::Message& msg,
                                                       const std::vector<MarketConfig>& markets,
                                                       uint32_t max_depth) {
  MdRequest r;
  r.req_id = field_or_empty(msg, f::MDReqID);
  if (r.req_id.empty()) return refuse("", std::nullopt, "MDReqID (262) is required");
  const std::string sub = field_or_empty(msg, f::SubscriptionRequestType);
  if (sub.size() != 1 || sub[0] < '0' || sub[0] > '2')
    return refuse(r.req_id, md_reject::unsupported_subscription_type,
                  "SubscriptionRequestType (263) must be 0, 1 or 2");
  r.type = MdSubscription(sub[0]);
  if (r.type == MdSubscription::unsubscribe) return r;

  const std::string depth = field_or_empty(msg, f::MarketDepth);
  const DecimalParse d = parse_decimal(depth, 0);
  if (!d.ok() || d.raw > 1'000'000)
    return refuse(r.req_id, md_reject::unsupported_depth,
                  "MarketDepth (264) must be 0 (full book) or a number of levels");
  r.depth = uint32_t(d.raw);
  if (max_depth != 0 && (r.depth == 0 || r.depth > max_depth))
    return refuse(r.req_id, md_reject::unsupported_depth,
                  "MarketDepth (264) " + depth + " is over the venue's limit of " +
                      std::to_string(max_depth) + " levels");
  const std::string update = field_or_empty(msg, f::MDUpdateType);
  if (r.type == MdSubscription::subscribe && !update.empty() && update != "1")
    return refuse(r.req_id, md_reject::unsupported_update_type,
                  "MDUpdateType (265) must be 1 (incremental refresh)");
  if (field_or_empty(msg, f::AggregatedBook) == "N")
    return refuse(r.req_id, md_reject::unsupported_aggregated_book,
                  "AggregatedBook (266) must be Y: the venue publishes price levels only");

  const int types = msg.groupCount(f::NoMDEntryTypes);
  if (types == 0) return refuse(r.req_id, std::nullopt, "NoMDEntryTypes (267) is required");
  for (int i = 1; i <= types; ++i) {
    FIX::Group g(f::NoMDEntryTypes, f::MDEntryType);
    msg.getGroup(unsigned(i), g);
    const std::string t = field_or_empty(g, f::MDEntryType);
    std::optional<MdEntry> e = t.size() == 1 ? md_entry_from(t[0]) : std::nullopt;
    if (!e)
      return refuse(r.req_id, md_reject::unsupported_entry_type,
                    "MDEntryType (269) " + t +
                        " is not published; supported: 0 1 2 3 C m f (see the Rules of "
                        "Engagement)");
    r.entries.add(*e);
  }

  const int symbols = msg.groupCount(f::NoRelatedSym);
  if (symbols == 0) return refuse(r.req_id, std::nullopt, "NoRelatedSym (146) is required");
  for (int i = 1; i <= symbols; ++i) {
    FIX::Group g(f::NoRelatedSym, f::Symbol);
    msg.getGroup(unsigned(i), g);
    const std::string s = field_or_empty(g, f::Symbol);
    auto it = std::find_if(markets.begin(), markets.end(),
                           [&](const MarketConfig& m) { return m.symbol == s; });
    if (it == markets.end())
      return refuse(r.req_id, md_reject::unknown_symbol, "unknown symbol " + s);
    if (std::find(r.markets.begin(), r.markets.end(), it->id) == r.markets.end())
      r.markets.push_back(it->id);
  }
  return r;
}

std::vector<MdEntryOut> snapshot_entries(MarketId market, const MarketImage& image,
                                         MdEntryMask mask, uint32_t depth, MdView& view) {
  view = MdView{};
  std::vector<MdEntryOut> out;
  if (mask.has(MdEntry::bid)) diff_side(market, MdEntry::bid, image.bids, depth, view.bids, out);
  if (mask.has(MdEntry::offer))
    diff_side(market, MdEntry::offer, image.asks, depth, view.asks, out);
  if (mask.has(MdEntry::trade) && image.stats.last_trade)
    out.push_back(trade_entry(*image.stats.last_trade));
  stat_entries(market, image.stats, mask, view.stats, out);
  return out;
}

std::vector<MdEntryOut> diff_entries(MarketId market, const MarketImage& image, MdEntryMask mask,
                                     uint32_t depth, MdView& view) {
  std::vector<MdEntryOut> out;
  if (mask.has(MdEntry::bid)) diff_side(market, MdEntry::bid, image.bids, depth, view.bids, out);
  if (mask.has(MdEntry::offer))
    diff_side(market, MdEntry::offer, image.asks, depth, view.asks, out);
  stat_entries(market, image.stats, mask, view.stats, out);
  return out;
}

MdEntryOut trade_entry(const DepthTrade& t) {
  MdEntryOut e;
  e.action = MdAction::new_;
  e.type = MdEntry::trade;
  e.market = t.market;
  e.price = t.price;
  e.size = t.qty;
  e.trade_id = t.trade_id;
  e.aggressor = t.aggressor;
  e.ts = t.ts;
  return e;
}

FIX::Message encode_md_snapshot(const std::string& req_id, const std::string& symbol,
                                const std::vector<MdEntryOut>& entries) {
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType("W"));
  m.setField(f::MDReqID, req_id);
  m.setField(f::Symbol, symbol);
  m.setField(f::NoMDEntries, "0");
  for (const MdEntryOut& e : entries) {
    FIX::Group g(f::NoMDEntries, f::MDEntryType, kSnapshotOrder);
    g.setField(f::MDEntryType, std::string(1, md_entry_code(e.type)));
    put_entry(g, e);
    m.addGroup(g);
  }
  return m;
}

FIX::Message encode_md_incremental(const std::string& req_id,
                                   const std::vector<MdEntryOut>& entries,
                                   const std::vector<MarketConfig>& markets) {
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType("X"));
  m.setField(f::MDReqID, req_id);
  for (const MdEntryOut& e : entries) {
    FIX::Group g(f::NoMDEntries, f::MDUpdateAction, kIncrementalOrder);
    g.setField(f::MDUpdateAction, std::string(1, char(e.action)));
    g.setField(f::MDEntryType, std::string(1, md_entry_code(e.type)));
    if (e.market < markets.size()) g.setField(f::Symbol, markets[e.market].symbol);
    put_entry(g, e);
    m.addGroup(g);
  }
  return m;
}

FIX::Message encode_md_reject(const MdRejection& r) {
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType("Y"));
  m.setField(f::MDReqID, r.req_id.empty() ? std::string("?") : r.req_id);
  if (r.reason) m.setField(f::MDReqRejReason, std::string(1, *r.reason));
  if (!r.text.empty()) m.setField(f::Text, r.text);
  return m;
}

}  // namespace qd::fix
