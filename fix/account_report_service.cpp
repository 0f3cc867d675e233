#include "fix/account_report_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <type_traits>

#include "fix/fix_time.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {

namespace {

namespace t = std_tag;

std::optional<std::string> get(const FIX::Message& m, int tag) {
  if (!m.isSetField(tag)) return std::nullopt;
  return m.getField(tag);
}

/// The figures a PositionReport carries (resting order sizes are not reported: a change there
/// alone is no reason to push).
PositionSnapshot reported(PositionSnapshot p) {
  p.resting_bids = Qty(0);
  p.resting_asks = Qty(0);
  return p;
}

/// A market the account left (flat, nothing resting, nothing realized): reported as flat once.
PositionSnapshot flat(const PositionSnapshot& before) {
  PositionSnapshot p;
  p.market = before.market;
  p.mark = before.mark;
  return p;
}

bool same_collateral(const AccountSnapshot& a, const AccountSnapshot& b) {
  return a.collateral == b.collateral && a.equity == b.equity &&
         a.unrealized_pnl == b.unrealized_pnl && a.initial_requirement == b.initial_requirement &&
         a.maintenance_requirement == b.maintenance_requirement &&
         a.free_collateral == b.free_collateral && a.position_notional == b.position_notional;
}

/// Which accounts an event changes: for position reports, and for collateral reports.
struct Touch {
  AccountId positions[2] = {0, 0};
  AccountId collateral[2] = {0, 0};
};

Touch touched(const Event& e) {
  Touch t;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, OrderFilled>) {
          t.positions[0] = t.collateral[0] = b.order.origin.account;
        } else if constexpr (std::is_same_v<T, FundingPaid> ||
                             std::is_same_v<T, LiquidationTriggered> ||
                             std::is_same_v<T, InsuranceTakeover> ||
                             std::is_same_v<T, CollateralChanged> ||
                             std::is_same_v<T, DeficitCovered>) {
          // A deposit moves the liquidation price too: positions as well.
          t.positions[0] = t.collateral[0] = b.account;
        } else if constexpr (std::is_same_v<T, AutoDeleveraged>) {
          t.positions[0] = t.collateral[0] = b.account;
          t.positions[1] = t.collateral[1] = b.counterparty;
        } else if constexpr (std::is_same_v<T, OrderAccepted> || std::is_same_v<T, OrderCanceled> ||
                             std::is_same_v<T, OrderReplaced> || std::is_same_v<T, OrderRestated> ||
                             std::is_same_v<T, OrderTriggered>) {
          t.collateral[0] = b.order.origin.account;  // margin used moves with resting orders
        }
      },
      e.body);
  return t;
}

}  // namespace

AccountReportService::AccountReportService(const GatewayContext& context,
                                           std::unique_ptr<AccountStateSource> source)
    : context_(context),
      source_(std::move(source)),
      id_prefix_(std::to_string(wall_clock_ns() / 1'000'000) + "-") {}

AccountReportService::~AccountReportService() {
  stop();
}

bool AccountReportService::handles(std::string_view msg_type) const {
  return msg_type == "AN" || msg_type == "BB";
}

bool AccountReportService::permitted(SessionRole role, std::string_view) const {
  return role == SessionRole::order_entry;
}

void AccountReportService::start() {
  std::lock_guard lock(mu_);
  if (worker_.joinable()) return;
  stop_ = false;
  worker_ = std::thread([this] { run(); });
}

void AccountReportService::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::lock_guard lock(mu_);
  jobs_.clear();
  subscriptions_.clear();
  subscription_count_ = 0;
}

void AccountReportService::on_request(const FIX::Message& msg, SessionHandle& session) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(Job{false, &session, msg});
  }
  cv_.notify_one();
}

void AccountReportService::on_logout(SessionHandle& session) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(Job{true, &session, FIX::Message()});
  }
  cv_.notify_one();
}

void AccountReportService::on_events(std::span<const Event> events, bool live) {
  bool changed = false;
  {
    std::lock_guard lock(mu_);
    for (const Event& e : events) {
      if (const auto* f = std::get_if<FundingPaid>(&e.body)) {
        Quote& total = funding_[{f->account, f->market}];
        total = Quote(total.raw + f->amount.raw);
      }
      if (!live) continue;
      const Touch t = touched(e);
      for (AccountId a : t.positions)
        if (a != 0) changed |= dirty_positions_.insert(a).second;
      for (AccountId a : t.collateral)
        if (a != 0) changed |= dirty_collateral_.insert(a).second;
    }
  }
  if (changed) cv_.notify_one();
}

Quote AccountReportService::funding_paid(AccountId account, MarketId market) const {
  std::lock_guard lock(mu_);
  auto it = funding_.find({account, market});
  return it == funding_.end() ? Quote(0) : it->second;
}

std::map<std::pair<AccountId, MarketId>, Quote> AccountReportService::funding_copy() const {
  std::lock_guard lock(mu_);
  return funding_;
}

void AccountReportService::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] {
      return stop_ || !jobs_.empty() || !dirty_positions_.empty() || !dirty_collateral_.empty();
    });
    if (stop_) return;
    std::deque<Job> jobs;
    jobs.swap(jobs_);
    std::set<AccountId> positions, collateral;
    positions.swap(dirty_positions_);
    collateral.swap(dirty_collateral_);
    lock.unlock();
    // Nothing may escape the worker: a failed answer is logged and the next one served.
    try {
      for (Job& job : jobs) handle(job);
      if (!subscriptions_.empty() && (!positions.empty() || !collateral.empty()))
        push_updates(positions, collateral);
    } catch (const std::exception& e) {
      spdlog::error("account reports: {}", e.what());
    }
    lock.lock();
  }
}

void AccountReportService::handle(Job& job) {
  if (job.drop_session) {
    std::erase_if(subscriptions_, [&](const Subscription& s) { return s.session == job.session; });
    count_subscriptions();
    return;
  }
  const std::string type = job.msg.getHeader().getField(t::MsgType);
  if (type == "AN") {
    on_positions(job.msg, *job.session);
  } else {
    on_collateral(job.msg, *job.session);
  }
}

void AccountReportService::count_subscriptions() {
  subscription_count_ = subscriptions_.size();
}

AccountReportService::Scope AccountReportService::scope_of(const FIX::Message& msg,
                                                           const SessionHandle& session) const {
  Scope s;
  if (std::optional<std::string> name = get(msg, t::Account)) {
    s.account_text = *name;
    const AccountId a = context_.directory.account(*name);
    // Unknown and foreign accounts get the same answer: existence is never revealed.
    if (a == 0 || !session.may_act_for(a)) {
      s.error = "session may not act for account " + *name;
      s.not_authorized = true;
      return s;
    }
    s.accounts.push_back(a);
  } else {
    s.accounts = session.accounts;
    if (!s.accounts.empty()) s.account_text = context_.directory.account_name(s.accounts.front());
  }
  if (std::optional<std::string> symbol = get(msg, t::Symbol)) {
    const MarketConfig* m = context_.directory.market(*symbol);
    if (m == nullptr) {
      s.error = "unknown symbol " + *symbol;
      return s;
    }
    s.market = m->id;
  }
  return s;
}

AccountReportService::Subscription* AccountReportService::find(Kind kind, SessionId session,
                                                               const std::string& id) {
  for (Subscription& s : subscriptions_)
    if (s.kind == kind && s.session->number == session && s.id == id) return &s;
  return nullptr;
}

ReportHeader AccountReportService::header(const SessionHandle& session, Kind kind,
                                          const std::string& request_id,
                                          std::optional<char> subscription, int total,
                                          bool unsolicited) {
  ReportHeader h;
  h.report_id = (kind == Kind::positions ? "P" : "C") + id_prefix_ + std::to_string(++id_counter_);
  h.request_id = request_id;
  h.subscription = subscription;
  h.total = total;
  h.unsolicited = unsolicited;
  h.now = wall_clock_ns();
  h.timestamp_digits = int(session.config.quickfix.timestamp_precision);
  return h;
}

void AccountReportService::on_positions(const FIX::Message& msg, SessionHandle& session) {
  const std::string id = get(msg, t::PosReqID).value_or("");
  const std::optional<std::string> sub_text = get(msg, t::SubscriptionRequestType);
  const char sub = sub_text && !sub_text->empty() ? (*sub_text)[0] : '0';
  const std::optional<char> echo = sub_text ? std::optional<char>(sub) : std::nullopt;
  Scope scope = scope_of(msg, session);
  auto ack = [&](PosReqResult r, int total, const std::string& text) {
    session.outbox.push(encode_positions_ack(
        header(session, Kind::positions, id, echo, total, false), scope.account_text, r, text));
  };
  if (scope.error) {
    ack(scope.not_authorized ? PosReqResult::not_authorized : PosReqResult::invalid_request, 0,
        *scope.error);
    return;
  }
  if (sub == '2') {
    const bool found = find(Kind::positions, session.number, id) != nullptr;
    std::erase_if(subscriptions_, [&](const Subscription& s) {
      return s.kind == Kind::positions && s.session == &session && s.id == id;
    });
    count_subscriptions();
    ack(found ? PosReqResult::valid : PosReqResult::invalid_request, 0,
        found ? "subscription ended" : "no position subscription " + id);
    return;
  }
  if (sub == '1' && find(Kind::positions, session.number, id) != nullptr) {
    ack(PosReqResult::invalid_request, 0, "PosReqID " + id + " is already subscribed");
    return;
  }
  const auto snapshots = source_->snapshot(scope.accounts);
  const auto funding = funding_copy();
  Subscription subscription{Kind::positions, &session, id, scope.accounts, scope.market, {}, {}};
  std::vector<std::pair<AccountId, const PositionSnapshot*>> reports;
  for (const auto& s : snapshots) {
    if (!s) continue;
    for (const PositionSnapshot& p : s->positions)
      if (!scope.market || p.market == *scope.market) reports.emplace_back(s->account, &p);
  }
  const int total = int(reports.size());
  ack(total == 0 ? PosReqResult::no_positions : PosReqResult::valid, total,
      total == 0 ? "no positions" : "");
  for (const auto& [account, p] : reports) {
    const MarketConfig* m = context_.directory.market(p->market);
    auto f = funding.find({account, p->market});
    const Quote paid = f == funding.end() ? Quote(0) : f->second;
    session.outbox.push(encode_position_report(
        header(session, Kind::positions, id, echo, total, false),
        context_.directory.account_name(account), m ? m->symbol : "?", *p, paid));
    subscription.positions[{account, p->market}] = {reported(*p), paid};
  }
  if (sub == '1') {
    subscriptions_.push_back(std::move(subscription));
    count_subscriptions();
  }
}

void AccountReportService::on_collateral(const FIX::Message& msg, SessionHandle& session) {
  const std::string id = get(msg, t::CollInquiryID).value_or("");
  const std::optional<std::string> sub_text = get(msg, t::SubscriptionRequestType);
  const char sub = sub_text && !sub_text->empty() ? (*sub_text)[0] : '0';
  const std::optional<char> echo = sub_text ? std::optional<char>(sub) : std::nullopt;
  Scope scope = scope_of(msg, session);
  auto ack = [&](CollInquiryResult r, int total, const std::string& text) {
    session.outbox.push(encode_collateral_ack(
        header(session, Kind::collateral, id, echo, total, false), scope.account_text, r, text));
  };
  if (scope.error) {
    ack(scope.not_authorized ? CollInquiryResult::unauthorized
                             : CollInquiryResult::invalid_instrument,
        0, *scope.error);
    return;
  }
  if (std::optional<std::string> ccy = get(msg, t::Currency); ccy && *ccy != "USDC") {
    ack(CollInquiryResult::other, 0, "collateral is held in USDC only");
    return;
  }
  if (sub == '2') {
    const bool found = find(Kind::collateral, session.number, id) != nullptr;
    std::erase_if(subscriptions_, [&](const Subscription& s) {
      return s.kind == Kind::collateral && s.session == &session && s.id == id;
    });
    count_subscriptions();
    if (found) {
      ack(CollInquiryResult::successful, 0, "subscription ended");
    } else {
      ack(CollInquiryResult::other, 0, "no collateral subscription " + id);
    }
    return;
  }
  if (sub == '1' && find(Kind::collateral, session.number, id) != nullptr) {
    ack(CollInquiryResult::other, 0, "CollInquiryID " + id + " is already subscribed");
    return;
  }
  const auto snapshots = source_->snapshot(scope.accounts);
  std::vector<const AccountSnapshot*> reports;
  for (const auto& s : snapshots)
    if (s) reports.push_back(&*s);
  if (reports.empty()) {
    ack(CollInquiryResult::other, 0, "account state unavailable");
    return;
  }
  const int total = int(reports.size());
  ack(CollInquiryResult::successful, total, "");
  Subscription subscription{Kind::collateral, &session, id, scope.accounts, std::nullopt, {}, {}};
  for (size_t i = 0; i < reports.size(); ++i) {
    ReportHeader h = header(session, Kind::collateral, id, echo, total, false);
    h.last = i + 1 == reports.size();
    session.outbox.push(encode_collateral_report(
        h, context_.directory.account_name(reports[i]->account), *reports[i]));
    subscription.collateral[reports[i]->account] = *reports[i];
  }
  if (sub == '1') {
    subscriptions_.push_back(std::move(subscription));
    count_subscriptions();
  }
}

void AccountReportService::push_updates(const std::set<AccountId>& positions,
                                        const std::set<AccountId>& collateral) {
  auto wanted = [&](const Subscription& s, AccountId a) {
    const auto& dirty = s.kind == Kind::positions ? positions : collateral;
    return dirty.count(a) > 0 &&
           std::find(s.accounts.begin(), s.accounts.end(), a) != s.accounts.end();
  };
  std::vector<AccountId> accounts;
  for (const Subscription& s : subscriptions_)
    for (AccountId a : s.accounts)
      if (wanted(s, a) && std::find(accounts.begin(), accounts.end(), a) == accounts.end())
        accounts.push_back(a);
  if (accounts.empty()) return;
  const auto snapshots = source_->snapshot(accounts);
  const auto funding = funding_copy();
  auto snapshot_of = [&](AccountId a) -> const AccountSnapshot* {
    for (size_t i = 0; i < accounts.size(); ++i)
      if (accounts[i] == a && snapshots[i]) return &*snapshots[i];
    return nullptr;
  };
  for (Subscription& s : subscriptions_) {
    for (AccountId a : s.accounts) {
      if (!wanted(s, a)) continue;
      const AccountSnapshot* snap = snapshot_of(a);
      if (snap == nullptr) continue;
      const std::string& account = context_.directory.account_name(a);
      if (s.kind == Kind::collateral) {
        auto it = s.collateral.find(a);
        if (it != s.collateral.end() && same_collateral(it->second, *snap)) continue;
        ReportHeader h = header(*s.session, Kind::collateral, s.id, '1', 1, true);
        s.session->outbox.push(encode_collateral_report(h, account, *snap));
        s.collateral[a] = *snap;
        continue;
      }
      // Positions: every market now reported, and markets reported before that are gone.
      std::vector<PositionSnapshot> now;
      for (const PositionSnapshot& p : snap->positions)
        if (!s.market || p.market == *s.market) now.push_back(reported(p));
      for (const auto& [key, before] : s.positions) {
        if (key.first != a) continue;
        const bool present = std::any_of(now.begin(), now.end(), [&](const PositionSnapshot& p) {
          return p.market == key.second;
        });
        if (!present && before.first.base.raw != 0) now.push_back(flat(before.first));
      }
      for (const PositionSnapshot& p : now) {
        auto f = funding.find({a, p.market});
        const Quote paid = f == funding.end() ? Quote(0) : f->second;
        auto it = s.positions.find({a, p.market});
        if (it != s.positions.end() && it->second.first == p && it->second.second == paid) continue;
        const MarketConfig* m = context_.directory.market(p.market);
        s.session->outbox.push(
            encode_position_report(header(*s.session, Kind::positions, s.id, '1', 1, true), account,
                                   m ? m->symbol : "?", p, paid));
        s.positions[{a, p.market}] = {p, paid};
      }
    }
  }
}

void AccountReportService::save_view(ByteWriter& out) const {
  std::lock_guard lock(mu_);
  out(uint64_t(funding_.size()));
  for (const auto& [key, total] : funding_) {
    out(key.first);
    out(key.second);
    out(total);
  }
}

void AccountReportService::restore_view(ByteReader& in) {
  std::map<std::pair<AccountId, MarketId>, Quote> funding;
  uint64_t n = 0;
  in(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::pair<AccountId, MarketId> key;
    Quote total;
    in(key.first);
    in(key.second);
    in(total);
    funding.emplace(key, total);
  }
  std::lock_guard lock(mu_);
  funding_ = std::move(funding);
}

}  // namespace qd::fix
