#include "fix/market_data_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace qd::fix {

namespace {

/// The book and statistics of one market as the service publishes them.
MarketImage image_of(const DepthBook& book, MarketId m) {
  return MarketImage{book.levels(m, Side::buy), book.levels(m, Side::sell), book.stats(m)};
}

}  // namespace

MarketDataService::MarketDataService(GatewayContext context, MarketDataOptions options)
    : context_(context),
      options_(options),
      shared_(std::make_shared<Shared>(context.sessions.size())),
      book_(context.config.markets.size()),
      images_(context.config.markets.size()),
      sessions_(context.sessions.size()) {
  if (options_.session_queue_limit == 0) options_.session_queue_limit = 1;
  if (options_.max_entries_per_message == 0) options_.max_entries_per_message = 1;
}

MarketDataService::~MarketDataService() {
  stop();
}

bool MarketDataService::permitted(SessionRole role, std::string_view msg_type) const {
  return msg_type == "V" && (role == SessionRole::market_data || role == SessionRole::order_entry);
}

void MarketDataService::start() {
  sync_images();
  {
    std::lock_guard lock(shared_->mu);
    shared_->stop = false;
  }
  if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
}

void MarketDataService::stop() {
  {
    std::lock_guard lock(shared_->mu);
    shared_->stop = true;
  }
  shared_->cv.notify_all();
  if (worker_.joinable()) worker_.join();
}

void MarketDataService::on_events(std::span<const Event> events, bool live) {
  {
    std::lock_guard lock(book_mu_);
    book_.apply(events);
    if (!live) book_.take_trades();  // replay rebuilds the book; old trades are not printed
  }
  if (!live) return;
  {
    std::lock_guard lock(shared_->mu);
    shared_->wake = true;
  }
  shared_->cv.notify_one();
}

void MarketDataService::on_logon(SessionHandle& session) {
  std::lock_guard lock(subs_mu_);
  sessions_.at(session.number - 1) = SessionSubs{};
}

void MarketDataService::on_logout(SessionHandle& session) {
  // Subscriptions end with the FIX session: a desk subscribes again after its next Logon.
  std::lock_guard lock(subs_mu_);
  sessions_.at(session.number - 1) = SessionSubs{};
}

MarketDataStats MarketDataService::stats() const {
  std::lock_guard lock(subs_mu_);
  return stats_;
}

int64_t MarketDataService::queued(SessionId session) const {
  if (session == 0 || session > shared_->queued.size()) return 0;
  return shared_->queued[session - 1].load();
}

void MarketDataService::send(SessionHandle& session, std::vector<FIX::Message> messages) {
  // Under subs_mu_: messages of one session keep the order they were built in.
  if (messages.empty()) return;
  const int64_t n = int64_t(messages.size());
  std::atomic<int64_t>& q = shared_->queued[session.number - 1];
  const int64_t now = q.fetch_add(n) + n;
  stats_.max_queued = std::max(stats_.max_queued, now);
  for (FIX::Message& m : messages) session.outbox.push(std::move(m));
  // Runs on the outbox thread once these messages were handed to the socket (or stored).
  session.outbox.push([shared = shared_, i = session.number - 1, n] {
    shared->queued[i].fetch_sub(n);
    {
      std::lock_guard lock(shared->mu);
      shared->wake = true;
    }
    shared->cv.notify_one();
  });
}

void MarketDataService::reject(SessionHandle& session, const MdRejection& r) {
  ++stats_.rejects;
  std::vector<FIX::Message> out;
  out.push_back(encode_md_reject(r));
  send(session, std::move(out));
}

std::vector<FIX::Message> MarketDataService::snapshots(const Subscription& sub,
                                                       std::vector<MdView>& views) {
  std::vector<FIX::Message> out;
  views.assign(sub.markets.size(), MdView{});
  for (size_t i = 0; i < sub.markets.size(); ++i) {
    const MarketId m = sub.markets[i];
    std::vector<MdEntryOut> entries =
        snapshot_entries(m, images_[m], sub.mask, sub.depth, views[i]);
    out.push_back(encode_md_snapshot(sub.req_id, context_.config.markets[m].symbol, entries));
    ++stats_.snapshots;
  }
  return out;
}

std::vector<FIX::Message> MarketDataService::split_incremental(
    const std::string& req_id, std::vector<MdEntryOut> entries) const {
  std::vector<FIX::Message> out;
  const size_t per = options_.max_entries_per_message;
  for (size_t i = 0; i < entries.size(); i += per) {
    std::vector<MdEntryOut> part(
        entries.begin() + std::ptrdiff_t(i),
        entries.begin() + std::ptrdiff_t(std::min(entries.size(), i + per)));
    out.push_back(encode_md_incremental(req_id, part, context_.config.markets));
  }
  return out;
}

void MarketDataService::on_request(const FIX::Message& msg, SessionHandle& session) {
  std::lock_guard lock(subs_mu_);
  if (session.config.role == SessionRole::order_entry && !session.config.allow_market_data) {
    const std::string id =
        msg.isSetField(FIX::FIELD::MDReqID) ? msg.getField(FIX::FIELD::MDReqID) : std::string();
    reject(session, MdRejection{id, md_reject::insufficient_permissions,
                                "market data is not enabled for this session "
                                "(allow_market_data)"});
    return;
  }
  std::variant<MdRequest, MdRejection> d =
      decode_md_request(msg, context_.config.markets, options_.max_depth);
  if (auto* why = std::get_if<MdRejection>(&d)) {
    reject(session, *why);
    return;
  }
  MdRequest& r = std::get<MdRequest>(d);
  std::vector<Subscription>& subs = sessions_.at(session.number - 1).subs;
  auto active = std::find_if(subs.begin(), subs.end(),
                             [&](const Subscription& s) { return s.req_id == r.req_id; });
  if (r.type == MdSubscription::unsubscribe) {
    if (active == subs.end()) {
      reject(session, MdRejection{r.req_id, std::nullopt,
                                  "no active subscription with MDReqID " + r.req_id});
      return;
    }
    subs.erase(active);  // nothing is sent: the desk stops receiving this MDReqID
    return;
  }
  if (active != subs.end()) {
    reject(session, MdRejection{r.req_id, md_reject::duplicate_req_id,
                                "MDReqID " + r.req_id + " is already subscribed"});
    return;
  }
  if (r.type == MdSubscription::subscribe && subs.size() >= options_.max_subscriptions) {
    reject(session, MdRejection{r.req_id, md_reject::insufficient_bandwidth,
                                "at most " + std::to_string(options_.max_subscriptions) +
                                    " subscriptions per session"});
    return;
  }
  Subscription sub;
  sub.req_id = r.req_id;
  sub.mask = r.entries;
  sub.depth = r.depth;
  sub.markets = r.markets;
  const SessionSubs& state = sessions_.at(session.number - 1);
  const bool behind = state.behind || shared_->queued[session.number - 1].load() >=
                                          int64_t(options_.session_queue_limit);
  if (behind) {
    // The queue bound holds for requests too: a subscription waits for its snapshot with the
    // session's others; a one-off snapshot is refused until the session catches up.
    if (r.type == MdSubscription::snapshot) {
      reject(session, MdRejection{r.req_id, md_reject::insufficient_bandwidth,
                                  "market data for this session is behind; retry later"});
      return;
    }
    sub.views.assign(sub.markets.size(), MdView{});
    sub.stale = true;
    subs.push_back(std::move(sub));
    return;
  }
  // The snapshot is the published image: the next round's incrementals continue from it.
  std::vector<FIX::Message> out = snapshots(sub, sub.views);
  send(session, std::move(out));
  if (r.type == MdSubscription::subscribe) subs.push_back(std::move(sub));
}

void MarketDataService::sync_images() {
  std::lock_guard lock(subs_mu_);
  std::lock_guard book_lock(book_mu_);
  book_.take_dirty();
  book_.take_trades();
  for (MarketId m = 0; m < images_.size(); ++m) images_[m] = image_of(book_, m);
}

void MarketDataService::publish_now() {
  round();
}

void MarketDataService::round() {
  std::lock_guard lock(subs_mu_);
  std::vector<MarketId> dirty;
  std::vector<DepthTrade> trades;
  {
    // The only time the publishing thread holds the publisher's lock: copying the changed
    // markets (whole commands only: on_events applies a batch under the same lock).
    std::lock_guard book_lock(book_mu_);
    dirty = book_.take_dirty();
    trades = book_.take_trades();
    for (MarketId m : dirty) images_[m] = image_of(book_, m);
  }
  std::vector<bool> changed(images_.size(), false);
  for (MarketId m : dirty) changed[m] = true;

  const int64_t limit = options_.session_queue_limit;
  for (size_t i = 0; i < sessions_.size(); ++i) {
    SessionSubs& s = sessions_[i];
    if (s.subs.empty()) continue;
    SessionHandle& session = *context_.sessions[i];
    const int64_t queued = shared_->queued[i].load();
    if (queued >= limit) {
      if (!s.behind) {
        s.behind = true;
        ++stats_.conflations;
        spdlog::warn(
            "FIX {}: market data behind ({} messages queued); {} subscriptions "
            "conflated until it catches up",
            session.id.toString(), queued, s.subs.size());
      }
      for (Subscription& sub : s.subs) sub.stale = true;
      continue;
    }
    if (s.behind) {
      if (queued > limit / 2) continue;  // hysteresis: refresh once half the queue drained
      s.behind = false;
    }
    std::vector<FIX::Message> out;
    for (Subscription& sub : s.subs) {
      if (sub.stale) {
        std::vector<FIX::Message> w = snapshots(sub, sub.views);
        for (FIX::Message& m : w) out.push_back(std::move(m));
        sub.stale = false;
        ++stats_.refreshes;
        continue;
      }
      std::vector<MdEntryOut> entries;
      for (size_t k = 0; k < sub.markets.size(); ++k) {
        const MarketId m = sub.markets[k];
        if (!changed[m]) continue;
        if (sub.mask.has(MdEntry::trade)) {
          for (const DepthTrade& t : trades)
            if (t.market == m) entries.push_back(trade_entry(t));
        }
        std::vector<MdEntryOut> d = diff_entries(m, images_[m], sub.mask, sub.depth, sub.views[k]);
        entries.insert(entries.end(), d.begin(), d.end());
      }
      if (entries.empty()) continue;
      std::vector<FIX::Message> x = split_incremental(sub.req_id, std::move(entries));
      stats_.incrementals += x.size();
      for (FIX::Message& m : x) out.push_back(std::move(m));
    }
    send(session, std::move(out));
  }
}

void MarketDataService::run() {
  using clock = std::chrono::steady_clock;
  const auto interval = std::chrono::milliseconds(options_.conflation_interval_ms);
  clock::time_point last = clock::now() - interval;
  for (;;) {
    {
      std::unique_lock lock(shared_->mu);
      shared_->cv.wait_for(lock, std::chrono::milliseconds(200),
                           [&] { return shared_->wake || shared_->stop; });
      if (shared_->stop) return;
      if (interval.count() > 0) {
        // Changes arriving before the interval has passed wait for the next round.
        if (shared_->cv.wait_until(lock, last + interval, [&] { return shared_->stop; })) return;
      }
      shared_->wake = false;
    }
    last = clock::now();
    try {
      round();
    } catch (const std::exception& e) {
      spdlog::error("market data: publishing round failed: {}", e.what());
    }
  }
}

void MarketDataService::save_view(ByteWriter& out) const {
  std::lock_guard lock(book_mu_);
  book_.save(out);
}

void MarketDataService::restore_view(ByteReader& in) {
  std::lock_guard lock(book_mu_);
  book_.restore(in);
}

}  // namespace qd::fix
