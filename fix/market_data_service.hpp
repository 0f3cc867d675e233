#pragma once
// Market data (MarketDataRequest V -> W snapshot, X incremental refresh, Y reject): an aggregated
// order book, trades and market statistics built from the engine's committed events
// (fix/depth_book.hpp), published to subscribed sessions.
//
// Threads and the slow-subscriber rule: on_events (the engine's publisher thread) only applies
// the events to the book under a short lock and wakes the publishing thread; it never builds or
// queues a message. The service's own thread compares each subscription's last published view
// with the book and queues the difference on the session's Outbox. Each session may have at
// most `session_queue_limit` market-data messages queued and not yet handed to its socket; a
// session at the limit is skipped (its subscriptions are conflated: nothing more is queued for
// it), and once half of its queue has drained every subscription gets a fresh snapshot (W)
// instead of the incrementals it missed. Trades printed while a session was behind are not
// replayed (the snapshot carries the last trade). So a desk that stops reading holds at most
// the limit in memory and never delays the engine, order entry or another session.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fix/depth_book.hpp"
#include "fix/gateway_service.hpp"
#include "fix/market_data_codec.hpp"

namespace qd::fix {

struct MarketDataOptions {
  /// Largest MarketDepth (264) a request may ask for, levels per side; 0 = no limit (264=0, the
  /// full book, allowed). With a limit, 264=0 and larger values are refused (281=5).
  uint32_t max_depth = 0;
  /// Incremental refreshes are built at most this often (ms); 0 = after every committed batch.
  /// Changes in between are merged (conflated) into one refresh.
  uint32_t conflation_interval_ms = 0;
  /// Market-data messages queued for one session and not yet written to its socket before its
  /// subscriptions are conflated (see above). >= 1.
  uint32_t session_queue_limit = 10000;
  /// Active subscriptions per session; one more is refused (281=2).
  uint32_t max_subscriptions = 100;
  /// Entries per X message; larger changes are split over several messages.
  uint32_t max_entries_per_message = 200;
};

struct MarketDataStats {
  uint64_t snapshots = 0;     ///< W sent (requests and conflation refreshes)
  uint64_t incrementals = 0;  ///< X sent
  uint64_t rejects = 0;       ///< Y sent
  uint64_t conflations = 0;   ///< times a session fell behind and its subscriptions were frozen
  uint64_t refreshes = 0;     ///< subscriptions re-sent as a snapshot after falling behind
  int64_t max_queued = 0;     ///< most market-data messages ever queued for one session
};

class MarketDataService : public GatewayService {
 public:
  MarketDataService(GatewayContext context, MarketDataOptions options);
  ~MarketDataService() override;
  MarketDataService(const MarketDataService&) = delete;
  MarketDataService& operator=(const MarketDataService&) = delete;

  bool handles(std::string_view msg_type) const override { return msg_type == "V"; }
  /// market_data sessions and order_entry sessions (the latter only with allow_market_data,
  /// checked per session: refused with Y 281=3); never drop copy.
  bool permitted(SessionRole role, std::string_view msg_type) const override;
  void on_request(const FIX::Message& msg, SessionHandle& session) override;
  void on_events(std::span<const Event> events, bool live) override;
  void save_view(ByteWriter& out) const override;
  void restore_view(ByteReader& in) override;
  void start() override;
  void stop() override;
  void on_logon(SessionHandle& session) override;
  void on_logout(SessionHandle& session) override;

  MarketDataStats stats() const;
  /// Market-data messages queued for this session and not yet handed to QuickFIX.
  int64_t queued(SessionId session) const;
  /// Runs one publishing round now on the caller's thread (tests: everything committed so far
  /// is queued once this returns).
  void publish_now();

 private:
  struct Subscription {
    std::string req_id;
    MdEntryMask mask;
    uint32_t depth = 0;
    std::vector<MarketId> markets;
    std::vector<MdView> views;  ///< per markets[i]: what the subscriber holds
    bool stale = false;         ///< missed updates: re-sent as a snapshot when drained
  };
  /// Shared with the callbacks queued on the outboxes, which may run after this service is gone.
  struct Shared {
    explicit Shared(size_t sessions) : queued(sessions) {}
    std::vector<std::atomic<int64_t>> queued;  ///< per session (number - 1)
    std::mutex mu;
    std::condition_variable cv;
    bool wake = false;
    bool stop = false;
  };
  struct SessionSubs {
    std::vector<Subscription> subs;
    bool behind = false;
  };

  void run();
  void round();
  void sync_images();
  void send(SessionHandle& session, std::vector<FIX::Message> messages);
  void reject(SessionHandle& session, const MdRejection& r);
  std::vector<FIX::Message> snapshots(const Subscription& sub, std::vector<MdView>& views);
  std::vector<FIX::Message> split_incremental(const std::string& req_id,
                                              std::vector<MdEntryOut> entries) const;

  GatewayContext context_;
  MarketDataOptions options_;
  std::shared_ptr<Shared> shared_;

  mutable std::mutex book_mu_;  ///< the publisher thread's lock: book_ only
  DepthBook book_;

  mutable std::mutex subs_mu_;         ///< images_, sessions_, stats_; taken before book_mu_
  std::vector<MarketImage> images_;    ///< the book as last published
  std::vector<SessionSubs> sessions_;  ///< per session (number - 1)
  MarketDataStats stats_;

  std::thread worker_;
};

}  // namespace qd::fix
