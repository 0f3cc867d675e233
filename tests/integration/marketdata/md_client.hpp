#pragma once
// A market-data client for the tests: builds MarketDataRequests, applies W and X to a rebuilt
// book exactly as a desk would (levels keyed by price), and reads the engine's own book on the
// engine thread for comparison.

#include <sys/socket.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/decimal.hpp"
#include "fix/venue_tags.hpp"
#include "tests/integration/fix/fix_harness.hpp"

namespace qd::fix::test {

namespace mdf = FIX::FIELD;

inline FIX::Message md_request(const std::string& id, char type, const std::string& depth,
                               const std::string& entry_types,
                               const std::vector<std::string>& symbols) {
  FIX::Message m;
  m.getHeader().setField(35, "V");
  m.setField(mdf::MDReqID, id);
  m.setField(mdf::SubscriptionRequestType, std::string(1, type));
  m.setField(mdf::MarketDepth, depth);
  for (char t : entry_types) {
    FIX::Group g(mdf::NoMDEntryTypes, mdf::MDEntryType);
    g.setField(mdf::MDEntryType, std::string(1, t));
    m.addGroup(g);
  }
  for (const std::string& s : symbols) {
    FIX::Group g(mdf::NoRelatedSym, mdf::Symbol);
    g.setField(mdf::Symbol, s);
    m.addGroup(g);
  }
  return m;
}

/// (price 1e-6, qty 1e-9) per level, best first.
using Levels = std::vector<std::pair<int64_t, int64_t>>;

inline int64_t px_of(const std::string& s) {
  DecimalParse p = parse_decimal(s, PRICE_DECIMALS, true);
  if (!p.ok()) throw std::runtime_error("bad price " + s);
  return p.raw;
}
inline int64_t qty_of(const std::string& s) {
  DecimalParse p = parse_decimal(s, QTY_DECIMALS, true);
  if (!p.ok()) throw std::runtime_error("bad qty " + s);
  return p.raw;
}

/// One subscription's view, rebuilt from its W and X messages.
struct MdMirror {
  struct Book {
    std::map<int64_t, int64_t, std::greater<>> bids;
    std::map<int64_t, int64_t> asks;
  };
  struct Trade {
    std::string symbol;
    int64_t price = 0;
    int64_t qty = 0;
    std::string trade_id;
    std::string aggressor;
  };
  explicit MdMirror(std::string id) : req_id(std::move(id)) {}

  std::string req_id;
  std::map<std::string, Book> books;                         // by symbol
  std::map<std::string, std::map<char, std::string>> stats;  // symbol -> 269 -> 270 or 271
  std::vector<Trade> trades;
  int snapshots = 0;
  int incrementals = 0;
  std::string error;  ///< the first inconsistency seen (a delete of an unknown level, ...)

  void apply_entry(const std::string& symbol, char action, const FIX::FieldMap& g) {
    const std::string type = field_of(g, mdf::MDEntryType);
    Book& b = books[symbol];
    if (type == "0" || type == "1") {
      const int64_t px = px_of(field_of(g, mdf::MDEntryPx));
      auto apply = [&](auto& side) {
        if (action == '2') {
          if (!side.erase(px) && error.empty())
            error = "delete of unknown level " + std::to_string(px);
        } else {
          if (action == '0' && side.count(px) && error.empty())
            error = "new level already held " + std::to_string(px);
          if (action == '1' && !side.count(px) && error.empty())
            error = "change of unknown level " + std::to_string(px);
          side[px] = qty_of(field_of(g, mdf::MDEntrySize));
        }
      };
      if (type == "0")
        apply(b.bids);
      else
        apply(b.asks);
    } else if (type == "2") {
      trades.push_back(Trade{symbol, px_of(field_of(g, mdf::MDEntryPx)),
                             qty_of(field_of(g, mdf::MDEntrySize)), field_of(g, tag::TradeID),
                             field_of(g, tag::AggressorSide)});
    } else if (type == "C") {
      stats[symbol]['C'] = field_of(g, mdf::MDEntrySize);
    } else if (!type.empty()) {
      stats[symbol][type[0]] = field_of(g, mdf::MDEntryPx);
    }
  }

  /// Applies a W or X of this subscription; other messages are ignored. True when applied.
  bool apply(const FIX::Message& m) {
    const std::string t = field(m, 35);
    if ((t != "W" && t != "X") || field(m, mdf::MDReqID) != req_id) return false;
    const int n = m.groupCount(mdf::NoMDEntries);
    if (t == "W") {
      ++snapshots;
      const std::string symbol = field(m, mdf::Symbol);
      books[symbol] = Book{};  // a snapshot replaces everything held for the symbol
      stats[symbol].clear();
      for (int i = 1; i <= n; ++i) {
        FIX::Group g(mdf::NoMDEntries, mdf::MDEntryType);
        m.getGroup(unsigned(i), g);
        if (field_of(g, mdf::MDEntryType) == "2") continue;  // the last trade, already seen
        apply_entry(symbol, '0', g);
      }
    } else {
      ++incrementals;
      for (int i = 1; i <= n; ++i) {
        FIX::Group g(mdf::NoMDEntries, mdf::MDUpdateAction);
        m.getGroup(unsigned(i), g);
        apply_entry(field_of(g, mdf::Symbol), field_of(g, mdf::MDUpdateAction)[0], g);
      }
    }
    return true;
  }

  Levels levels(const std::string& symbol, Side side) const {
    Levels out;
    auto it = books.find(symbol);
    if (it == books.end()) return out;
    if (side == Side::buy)
      for (auto [p, q] : it->second.bids) out.emplace_back(p, q);
    else
      for (auto [p, q] : it->second.asks) out.emplace_back(p, q);
    return out;
  }

  static std::string field_of(const FIX::FieldMap& g, int tag) {
    return g.isSetField(tag) ? g.getField(tag) : std::string();
  }
};

/// Feeds every message that arrives within `quiet` of the previous one to the mirrors.
inline int pump(Initiator& i, std::vector<MdMirror*> mirrors,
                std::chrono::milliseconds quiet = std::chrono::milliseconds(100)) {
  int n = 0;
  while (std::optional<FIX::Message> m = i.next(quiet)) {
    for (MdMirror* mm : mirrors) mm->apply(*m);
    ++n;
  }
  return n;
}

/// The engine's own book, read on the engine thread: (price, qty) best first; depth 0 = all.
inline Levels engine_levels(Venue& v, MarketId market, Side side, size_t depth = 0) {
  Levels out;
  v.sequencer().run_on_engine([&](const Exchange& ex) {
    const int64_t tick = ex.market(market).tick_size.raw;
    ex.book(market).for_each_level(side, [&](const LevelView& l) {
      out.emplace_back(l.price * tick, l.qty);
      return depth == 0 || out.size() < depth;
    });
  });
  return out;
}

/// A raw TCP FIX client that can stop reading: the slow subscriber.
///
/// Its receive buffer is fixed. Left to the kernel it may grow to megabytes (tcp_rmem allows
/// 32 MiB on the build machines), and the venue would not always see the desk fall behind. It is
/// not tiny either: with 4 KiB, TCP on loopback wedged once the desk read again (segments
/// dropped for want of buffer, the rest held out of order, a zero window, the venue's probes
/// backed off to seconds): the desk read for 30 s while the venue had 30 KiB waiting to go.
class SlowSubscriber {
 public:
  static constexpr int kReceiveBuffer = 64 * 1024;
  SlowSubscriber(uint16_t port, const std::string& sender, const std::string& password)
      : sender_(sender) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int bytes = kReceiveBuffer;  // before connect, so the advertised window stays within it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error("connect failed");
    timeval tv{0, 100'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    send_app("A", "98=0|108=30|553=" + sender + "|554=" + password + "|");
  }
  ~SlowSubscriber() { ::close(fd_); }

  /// Sends a message with the next MsgSeqNum; `body` uses '|' for SOH.
  void send_app(const std::string& type, const std::string& body) {
    std::string msg =
        frame("35=" + type + "|49=" + sender_ + "|56=QUANTDESK|34=" + std::to_string(seq_++) +
              "|52=" + now_text() + "|" + body);
    size_t off = 0;
    while (off < msg.size()) {
      ssize_t n = ::send(fd_, msg.data() + off, msg.size() - off, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      off += size_t(n);
    }
  }
  /// Reads (and discards, counting bytes) for `d`.
  size_t read_for(std::chrono::milliseconds d) {
    size_t total = 0;
    char buf[65536];
    auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) break;
      if (n > 0) total += size_t(n);
    }
    return total;
  }

 private:
  std::string sender_;
  int fd_ = -1;
  int seq_ = 1;
};

}  // namespace qd::fix::test
