#pragma once
// Market data over FIX 4.4: MarketDataRequest (V) decoding, the snapshot (W), incremental
// refresh (X) and MarketDataRequestReject (Y) encoders, and the diff that turns a subscriber's
// last published view of a market into the X entries that bring it to the current one.
// spec/RULES_OF_ENGAGEMENT.md ("Market data") is the desk-facing description.
//
// Every price and quantity is formatted from the fixed-point integers (core/decimal.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/config/venue_config.hpp"
#include "fix/depth_book.hpp"
#include "fix/quickfix.hpp"

namespace qd::fix {

/// What a subscription can ask for (MDEntryType 269).
enum class MdEntry : uint8_t {
  bid,            ///< '0' aggregated bid levels
  offer,          ///< '1' aggregated offer levels
  trade,          ///< '2' trades
  index,          ///< '3' Index Value: the oracle price
  open_interest,  ///< 'C' Open Interest (MDEntrySize, base units)
  mark,           ///< 'm' venue value: mark price
  funding,        ///< 'f' venue value: funding rate of the last interval (decimal fraction)
};
inline constexpr int kMdEntryKinds = 7;

/// MDEntryType (269) character of each kind.
char md_entry_code(MdEntry e);
/// The kind of a 269 value; nullopt for values the venue does not publish.
std::optional<MdEntry> md_entry_from(char c);

/// A set of MdEntry kinds.
struct MdEntryMask {
  uint8_t bits = 0;
  void add(MdEntry e) { bits = uint8_t(bits | (1u << unsigned(e))); }
  bool has(MdEntry e) const { return (bits >> unsigned(e)) & 1u; }
  bool book() const { return has(MdEntry::bid) || has(MdEntry::offer); }
};

/// MDReqRejReason (281) values the venue sends.
namespace md_reject {
inline constexpr char unknown_symbol = '0';
inline constexpr char duplicate_req_id = '1';
inline constexpr char insufficient_bandwidth = '2';
inline constexpr char insufficient_permissions = '3';
inline constexpr char unsupported_subscription_type = '4';
inline constexpr char unsupported_depth = '5';
inline constexpr char unsupported_update_type = '6';
inline constexpr char unsupported_aggregated_book = '7';
inline constexpr char unsupported_entry_type = '8';
}  // namespace md_reject

/// SubscriptionRequestType (263).
enum class MdSubscription : char { snapshot = '0', subscribe = '1', unsubscribe = '2' };

/// A decoded MarketDataRequest.
struct MdRequest {
  std::string req_id;  ///< MDReqID (262)
  MdSubscription type = MdSubscription::snapshot;
  uint32_t depth = 0;             ///< MarketDepth (264): 0 = full book, N = top N per side
  MdEntryMask entries;            ///< NoMDEntryTypes (267)
  std::vector<MarketId> markets;  ///< NoRelatedSym (146), in request order, no duplicates
};

/// Why a request is refused: MarketDataRequestReject (Y).
struct MdRejection {
  std::string req_id;
  std::optional<char> reason;  ///< MDReqRejReason (281); absent when no FIX value fits
  std::string text;            ///< Text (58)
};

/// Decodes and checks a MarketDataRequest against the configured markets. `max_depth` is the
/// configured cap (0 = none): MarketDepth above it (or 0 = full, when capped) is refused.
/// Unsubscribe needs only MDReqID. Refuses: unknown symbol (281=0), unsupported entry type
/// (281=8), subscription type (281=4), MDUpdateType other than incremental (281=6),
/// AggregatedBook=N (281=7), depth (281=5), and missing groups or fields (no 281).
std::variant<MdRequest, MdRejection> decode_md_request(const FIX::Message& msg,
                                                       const std::vector<MarketConfig>& markets,
                                                       uint32_t max_depth);

/// Everything published about one market at one moment: full depth, best first.
struct MarketImage {
  std::vector<DepthLevel> bids;
  std::vector<DepthLevel> asks;
  MarketStats stats;
};

/// What one subscription last published for one market (the subscriber's view of it).
struct MdView {
  std::vector<DepthLevel> bids;  ///< top `depth`, best first
  std::vector<DepthLevel> asks;
  MarketStats stats;
};

/// MDUpdateAction (279).
enum class MdAction : char { new_ = '0', change = '1', del = '2' };

/// One entry of a W or X message.
struct MdEntryOut {
  MdAction action = MdAction::new_;  ///< X only
  MdEntry type = MdEntry::bid;
  MarketId market = 0;
  std::optional<Price> price;       ///< MDEntryPx (270), 1e-6
  std::optional<Qty> size;          ///< MDEntrySize (271), 1e-9
  std::optional<int64_t> rate;      ///< funding rate in MDEntryPx (270), 1e-9
  std::optional<uint32_t> orders;   ///< NumberOfOrders (346)
  std::optional<TradeId> trade_id;  ///< TradeID (20005)
  std::optional<Side> aggressor;    ///< AggressorSide (20200)
  TimestampNs ts = 0;               ///< MDEntryDate/MDEntryTime (272/273) when non-zero
};

/// The snapshot entries of one market for these kinds and depth, and the view they leave the
/// subscriber with. Trades: the last trade only.
std::vector<MdEntryOut> snapshot_entries(MarketId market, const MarketImage& image,
                                         MdEntryMask mask, uint32_t depth, MdView& view);

/// The X entries that turn `view` into `image` (top `depth` levels), updating `view`. Levels are
/// keyed by price: a price new to the view is 279=0, a changed size or order count 279=1, a
/// price gone (or pushed out of the top N) 279=2. Statistics: 279=0 the first time, then 279=1.
std::vector<MdEntryOut> diff_entries(MarketId market, const MarketImage& image, MdEntryMask mask,
                                     uint32_t depth, MdView& view);

/// A trade print as an X entry (279=0, 269=2).
MdEntryOut trade_entry(const DepthTrade& t);

/// MarketDataSnapshotFullRefresh (W) for one symbol.
FIX::Message encode_md_snapshot(const std::string& req_id, const std::string& symbol,
                                const std::vector<MdEntryOut>& entries);
/// MarketDataIncrementalRefresh (X); `symbols` maps MarketId to Symbol (55) in each entry.
FIX::Message encode_md_incremental(const std::string& req_id,
                                   const std::vector<MdEntryOut>& entries,
                                   const std::vector<MarketConfig>& markets);
/// MarketDataRequestReject (Y).
FIX::Message encode_md_reject(const MdRejection& r);

}  // namespace qd::fix
