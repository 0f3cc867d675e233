#include "fix/gateway.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <type_traits>

#include "fix/append_file_store.hpp"
#include "fix/fix_time.hpp"
#include "fix/logon_auth.hpp"
#include "fix/report_encoder.hpp"
#include "fix/report_recovery.hpp"
#include "fix/session_settings_builder.hpp"
#include "fix/socket_acceptor.hpp"
#include "fix/venue_tags.hpp"

#ifndef QD_FIX_DICTIONARY
#error "QD_FIX_DICTIONARY must name spec/FIX44-venue.xml (set by fix/CMakeLists.txt)"
#endif

namespace qd::fix {

namespace {

/// The origin (session, account) of the order or request an event is about; Origin{} for
/// market-wide events.
Origin origin_of(const EventBody& body) {
  return std::visit(
      [](const auto& b) -> Origin {
        if constexpr (requires { b.order.origin; })
          return b.order.origin;
        else if constexpr (requires { b.origin; })
          return b.origin;
        else
          return Origin{};
      },
      body);
}

bool is_cod_done(const Event& e) {
  const auto* done = std::get_if<MassCancelDone>(&e.body);
  return done && done->scope == MassCancelScope::session && done->client_id.empty();
}

}  // namespace

std::string default_dictionary_path() {
  return QD_FIX_DICTIONARY;
}

Gateway::SessionRuntime::SessionRuntime(SessionId n, const SessionConfig& c,
                                        std::vector<AccountId> a)
    : number(n),
      config(c),
      id(session_id_of(c)),
      accounts(std::move(a)),
      guard(c),
      outbox(id),
      handle{number, config, id, accounts, outbox} {}

bool SessionHandle::may_act_for(AccountId account) const {
  return std::find(accounts.begin(), accounts.end(), account) != accounts.end();
}

bool SessionHandle::logged_on() const {
  FIX::Session* s = FIX::Session::lookupSession(id);
  return s && s->isLoggedOn();
}

Gateway::Gateway(const VenueConfig& config, CommandSink& sink, GatewayOptions options)
    : config_(config), sink_(sink), options_(std::move(options)), directory_(config_) {
  ensure_sodium();
  try {
    dictionary_.readFromURL(options_.dictionary_path);
  } catch (const std::exception& e) {
    throw std::runtime_error("FIX dictionary " + options_.dictionary_path + ": " + e.what());
  }
  for (size_t i = 0; i < config_.sessions.size(); ++i) {
    const SessionConfig& s = config_.sessions[i];
    std::vector<AccountId> accounts;
    if (s.all_accounts) {
      for (const AccountConfig& a : config_.accounts) accounts.push_back(a.number);
    } else {
      for (const std::string& name : s.accounts)
        if (AccountId a = directory_.account(name)) accounts.push_back(a);
    }
    auto rt = std::make_unique<SessionRuntime>(SessionId(i + 1), s, std::move(accounts));
    if (s.throttle) rt->throttle.emplace(*s.throttle, 0);
    by_id_[rt->id] = rt.get();
    handles_.push_back(&rt->handle);
    sessions_.push_back(std::move(rt));
  }
  exec_prefix_ = "G" + std::to_string(wall_clock_ns() / 1'000'000) + "-";
  if (!options_.audit_path.empty()) audit_ = std::make_unique<AuditTrail>(options_.audit_path);
}

Gateway::~Gateway() {
  try {
    stop(false);
  } catch (...) {
  }
}

Gateway::SessionRuntime* Gateway::runtime(const FIX::SessionID& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

Gateway::SessionRuntime* Gateway::runtime(SessionId number) const {
  if (number == 0 || number > sessions_.size()) return nullptr;
  return sessions_[number - 1].get();
}

SessionId Gateway::session_number(std::string_view sender_comp_id) const {
  for (const auto& s : sessions_)
    if (s->config.sender_comp_id == sender_comp_id) return s->number;
  return 0;
}

bool Gateway::is_logged_on(std::string_view sender_comp_id) const {
  SessionRuntime* s = runtime(session_number(sender_comp_id));
  return s && s->logged_on.load();
}

EncodeContext Gateway::encode_context(const SessionRuntime& s) const {
  return EncodeContext{directory_, int(s.config.quickfix.timestamp_precision)};
}

std::string Gateway::next_exec_id() {
  return exec_prefix_ + std::to_string(++exec_counter_);
}

void Gateway::add_service(std::unique_ptr<GatewayService> service) {
  std::lock_guard lock(view_mu_);
  if (started_) throw std::logic_error("Gateway::add_service after start()");
  services_.push_back(std::move(service));
}

GatewayContext Gateway::context() const {
  return GatewayContext{config_, directory_, dictionary_, handles_};
}

GatewayService* Gateway::service_for(const std::string& type) const {
  for (const auto& service : services_)
    if (service->handles(type)) return service.get();
  return nullptr;
}

GatewayStats Gateway::stats() const {
  std::lock_guard lock(stats_mu_);
  GatewayStats s = stats_;
  s.resets_refused = 0;
  for (const auto& rt : sessions_) s.resets_refused += rt->guard.refused_resets();
  return s;
}

void Gateway::start() {
  {
    std::lock_guard lock(view_mu_);
    if (started_) return;
    started_ = true;
    queue_recovered_reports();  // ahead of every live report
  }
  for (auto& s : sessions_) s->outbox.start();
  {
    std::lock_guard lock(cod_mu_);
    stopping_ = false;
  }
  maintenance_ = std::thread([this] { maintenance_loop(); });
  for (auto& service : services_) service->start();

  GuardLookup guards = [this](const FIX::SessionID& id) -> SessionGuard* {
    SessionRuntime* s = runtime(id);
    return s ? &s->guard : nullptr;
  };
  for (ListenerPlan& plan : build_session_settings(config_, options_.dictionary_path)) {
    if (plan.listener->tls && plan.listener->bind != "0.0.0.0" && !plan.listener->bind.empty())
      spdlog::warn(
          "FIX listener {}: QuickFIX 1.15.1's TLS acceptor binds every interface; bind address {} "
          "is not enforced (restrict port {} with a firewall)",
          plan.listener->name, plan.listener->bind, plan.listener->port);
    Listener l;
    l.store = std::make_unique<GuardedStoreFactory>(
        std::make_unique<AppendFileStoreFactory>(plan.settings), guards);
    l.log = std::make_unique<GuardedLogFactory>(plan.settings, guards);
    if (plan.listener->tls) {
      l.acceptor =
          std::make_unique<FIX::ThreadedSSLSocketAcceptor>(*this, *l.store, plan.settings, *l.log);
    } else {
      WireLookup wires = [this](const FIX::SessionID& id) -> SessionWire* {
        SessionRuntime* s = runtime(id);
        return s ? &s->wire : nullptr;
      };
      l.acceptor = std::make_unique<SocketAcceptor>(*this, *l.store, plan.settings, *l.log,
                                                    plan.listener->bind, std::move(wires));
      for (size_t i : plan.sessions)
        if (SessionRuntime* s = runtime(session_id_of(config_.sessions[i])))
          s->outbox.use_wire(&s->wire);
    }
    l.acceptor->start();
    spdlog::info("FIX listener {} accepting on port {}{}", plan.listener->name, plan.listener->port,
                 plan.listener->tls ? " (TLS)" : "");
    listeners_.push_back(std::move(l));
  }
  // Orders left open by sessions with cancel-on-disconnect: the venue went down under them.
  // After the acceptors exist, so the cancel reports are stored for the desk's next Logon.
  for (auto& s : sessions_) {
    bool open;
    {
      std::lock_guard lock(view_mu_);
      open = view_.has_open_orders(s->number);
    }
    if (s->config.cancel_on_disconnect && open) submit_cancel_on_disconnect(*s);
  }
}

void Gateway::stop(bool graceful) {
  {
    std::lock_guard lock(view_mu_);
    if (!started_) return;
  }
  for (Listener& l : listeners_) l.acceptor->stop(!graceful);
  // Sessions are logged out now; wait until their cancel-on-disconnect results are queued.
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.stop_wait_ms);
  for (auto& s : sessions_) {
    while (s->pending_cod.load() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  {
    std::lock_guard lock(view_mu_);
    started_ = false;
  }
  {
    std::lock_guard lock(cod_mu_);
    stopping_ = true;
  }
  cod_cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  for (auto& s : sessions_) s->outbox.stop();
  for (auto& service : services_) service->stop();
  listeners_.clear();  // destroys the acceptors and with them the QuickFIX sessions
  if (audit_) audit_->flush();
}

void Gateway::flush_outbound() {
  for (auto& s : sessions_) s->outbox.flush();
}

void Gateway::onLogon(const FIX::SessionID& id) {
  SessionRuntime* s = runtime(id);
  if (!s) return;
  s->logged_on = true;
  s->outbox.release();  // reports recovered at start waited for this Logon
  std::lock_guard lock(s->throttle_mu);
  if (s->throttle) {
    s->throttle->reset(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  spdlog::info("FIX {} logged on", id.toString());
  for (auto& service : services_) service->on_logon(s->handle);
}

void Gateway::onLogout(const FIX::SessionID& id) {
  SessionRuntime* s = runtime(id);
  if (!s) return;
  bool was = s->logged_on.exchange(false);
  if (s->throttle_logout.exchange(false)) {
    // Session::logout() disabled the session; let the desk log on again.
    if (FIX::Session* session = FIX::Session::lookupSession(id)) session->logon();
  }
  if (!was) return;
  spdlog::info("FIX {} logged out", id.toString());
  for (auto& service : services_) service->on_logout(s->handle);
  if (s->config.cancel_on_disconnect) submit_cancel_on_disconnect(*s);
}

void Gateway::fromAdmin(const FIX::Message& msg, const FIX::SessionID& id) {
  const std::string type = msg.getHeader().getField(FIX::FIELD::MsgType);
  if (type == "0") {
    // Heartbeats answering a service's TestRequest (the drop copy's delivery confirmation).
    if (SessionRuntime* s = runtime(id); s && msg.isSetField(112))
      for (auto& service : services_)
        if (service->handles(type) && service->permitted(s->config.role, type))
          service->on_request(msg, s->handle);
    return;
  }
  if (type != "A") return;
  SessionRuntime* s = runtime(id);
  if (!s) throw FIX::RejectLogon("unknown session");
  AuthResult r = s->guard.verdict_for(msg);
  if (!r.ok) {
    {
      std::lock_guard lock(stats_mu_);
      ++stats_.logons_refused;
    }
    spdlog::warn("FIX logon refused for {}: {}", id.toString(), r.reason);
    throw FIX::RejectLogon(r.reason);
  }
  spdlog::info("FIX logon authenticated for {} (user {})", id.toString(), s->config.auth.username);
  // Services that read the Logon itself (the drop copy's resume cursor); may refuse it.
  for (auto& service : services_)
    if (service->handles("A") && service->permitted(s->config.role, "A"))
      service->on_request(msg, s->handle);
}

void Gateway::fromApp(const FIX::Message& msg, const FIX::SessionID& id) {
  SessionRuntime* s = runtime(id);
  if (!s) return;
  AuditScope audit(audit_.get(), msg, s->config.sender_comp_id, s->number);
  // Nothing may escape into QuickFIX's connection thread: an unexpected exception there ends
  // the process.
  try {
    handle_app(msg, *s);
  } catch (const std::exception& e) {
    spdlog::error("FIX {}: message refused after an internal error: {}", id.toString(), e.what());
    AuditScope::rejected("message could not be processed");
    try {
      s->outbox.push(encode_business_reject(
          msg, Rejection{RejectReason::invalid_field, "message could not be processed"}));
    } catch (...) {
    }
  } catch (...) {
    spdlog::error("FIX {}: message refused after an unknown internal error", id.toString());
  }
}

bool Gateway::submit(CommandBody command) {
  {
    // Counted before the hand-off, as every other count is before its answer: the engine can
    // answer, and the desk read the stats, before try_submit returns.
    std::lock_guard lock(stats_mu_);
    ++stats_.commands_submitted;
  }
  if (!sink_.try_submit(std::move(command))) {
    std::lock_guard lock(stats_mu_);
    --stats_.commands_submitted;
    ++stats_.system_busy;
    return false;
  }
  AuditScope::submitted();
  return true;
}

void Gateway::submit_cancel_on_disconnect(SessionRuntime& s) {
  MassCancel m;
  m.origin = Origin{s.accounts.empty() ? AccountId(0) : s.accounts.front(), s.number};
  m.scope = MassCancelScope::session;
  m.reason = CancelReason::cancel_on_disconnect;
  s.pending_cod.fetch_add(1);
  if (submit(m)) {
    spdlog::info("FIX {}: cancel-on-disconnect submitted", s.id.toString());
    return;
  }
  // The queue is full: the cancel must still happen, so it is retried until it fits.
  std::lock_guard lock(cod_mu_);
  cod_retry_.push_back(m);
  cod_cv_.notify_all();
}

void Gateway::maintenance_loop() {
  std::unique_lock lock(cod_mu_);
  while (!stopping_) {
    cod_cv_.wait_for(lock, std::chrono::milliseconds(5));
    for (auto it = cod_retry_.begin(); it != cod_retry_.end();) {
      if (submit(*it))
        it = cod_retry_.erase(it);
      else
        ++it;
    }
  }
}

void Gateway::on_events(std::span<const Event> events) {
  std::lock_guard lock(view_mu_);
  for (const Event& e : events) {
    view_.apply(e);
    if (is_cod_done(e)) {
      if (SessionRuntime* s = runtime(origin_of(e.body).session)) {
        if (s->pending_cod.load() > 0) s->pending_cod.fetch_sub(1);
      }
    }
    if (started_ || !recovery_.empty()) route(e);
  }
  // Still under view_mu_: services see batches in sequence order and never interleaved.
  for (auto& service : services_) service->on_events(events, started_);
}

template <class Encode>
void Gateway::deliver(SessionRuntime& s, const Event& e, const Encode& encode) {
  if (!started_ && !recovery_may_lack(s, e)) return;  // replayed, and the desk has it
  std::optional<WireMessage> m = encode(s);
  if (!m) return;
  if (started_)
    s.outbox.push(std::move(*m));
  else
    offer_recovered(s, e, m->to_message());
}

void Gateway::route(const Event& e) {
  auto own = [&](SessionRuntime& s) { return encode_event_wire(e, encode_context(s)); };
  Origin origin = origin_of(e.body);
  if (origin.session != 0) {
    if (SessionRuntime* s = runtime(origin.session)) deliver(*s, e, own);
    return;
  }
  auto to_account = [&](AccountId account, const auto& encode) {
    for (auto& s : sessions_) {
      if (s->config.role != SessionRole::order_entry) continue;
      if (std::find(s->accounts.begin(), s->accounts.end(), account) == s->accounts.end()) continue;
      deliver(*s, e, encode);
    }
  };
  for (auto& [account, msg] : encode_position_events(e, EncodeContext{directory_, 6})) {
    to_account(account, [&](SessionRuntime& s) {
      std::optional<WireMessage> copy = msg;
      copy->set(std_tag::TransactTime,
                format_utc_timestamp(e.ts, int(s.config.quickfix.timestamp_precision)));
      return copy;
    });
  }
  if (origin.account == 0) return;
  // Orders the venue entered for an account (liquidation): every order-entry session of the
  // account hears about them.
  to_account(origin.account, own);
}

void Gateway::save_views(ByteWriter& out, bool canonical) const {
  std::lock_guard lock(view_mu_);
  view_.save(out, canonical);
  for (const auto& service : services_) service->save_view(out);
}

void Gateway::restore_views(ByteReader& in) {
  std::lock_guard lock(view_mu_);
  view_.restore(in);
  for (auto& service : services_) service->restore_view(in);
}

bool Gateway::outbound_settled() const {
  for (const auto& s : sessions_) {
    if (s->config.role == SessionRole::order_entry && !s->outbox.idle()) return false;
  }
  return true;
}

}  // namespace qd::fix
