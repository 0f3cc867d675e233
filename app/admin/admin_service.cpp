#include "app/admin/admin_service.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <thread>

#include "app/admin/account_risk_view.hpp"
#include "app/admin/oracle_update.hpp"
#include "app/admin/settlement_view.hpp"
#include "core/decimal.hpp"

namespace qd::admin {

namespace {

using nlohmann::json;

AdminResponse fail(std::string error, json details = json::object()) {
  AdminResponse r;
  r.ok = false;
  r.summary = error;
  r.error = std::move(error);
  r.result = std::move(details);
  return r;
}

AdminResponse done(json result, std::string summary) {
  AdminResponse r;
  r.ok = true;
  r.result = std::move(result);
  r.summary = std::move(summary);
  return r;
}

const MarketConfig* find_market(const VenueConfig& c, const std::string& symbol) {
  for (const MarketConfig& m : c.markets) {
    if (m.symbol == symbol) return &m;
  }
  return nullptr;
}

const SessionConfig* find_session(const VenueConfig& c, const std::string& sender) {
  for (const SessionConfig& s : c.sessions) {
    if (s.sender_comp_id == sender) return &s;
  }
  return nullptr;
}

json order_json(const VenueConfig& c, const OrderState& s) {
  json o;
  o["order_id"] = s.order_id;
  o["client_order_id"] = std::string(s.client_id.view());
  o["market"] = s.market < c.markets.size() ? c.markets[s.market].symbol : "?";
  o["side"] = to_string(s.side);
  o["type"] = to_string(s.type);
  o["tif"] = to_string(s.tif);
  o["status"] = to_string(s.status);
  o["price"] = to_string(s.price);
  if (s.type == OrderType::stop_market || s.type == OrderType::stop_limit) {
    o["stop_price"] = to_string(s.stop_price);
  }
  o["order_qty"] = to_string(s.order_qty);
  o["leaves_qty"] = to_string(s.leaves_qty);
  o["cum_qty"] = to_string(s.cum_qty);
  o["avg_price"] = to_string(s.avg_price);
  o["session"] = s.origin.session;
  return o;
}

}  // namespace

std::string string_arg(const json& args, const char* name) {
  if (!args.is_object() || !args.contains(name) || !args[name].is_string() ||
      args[name].get<std::string>().empty()) {
    throw std::invalid_argument(std::string("missing argument '") + name + "'");
  }
  return args[name].get<std::string>();
}

AdminService::AdminService(Venue& venue, ConfigReloader& reloader, AdminHooks hooks)
    : venue_(venue), reloader_(reloader), hooks_(std::move(hooks)) {}

AdminResponse AdminService::handle(const std::string& command, const json& args) {
  try {
    if (command == "status") return status();
    if (command == "sessions.list") return sessions_list();
    if (command == "sessions.logout") return sessions_logout(args);
    if (command == "market.halt") return market_status(args, MarketStatus::halted);
    if (command == "market.resume") return market_status(args, MarketStatus::open);
    if (command == "market.close") return market_status(args, MarketStatus::closed);
    if (command == "oracle.set") return oracle_set(args);
    if (command == "account.show") return account_show(args);
    if (command == "reload") return reload();
    if (command == "backup") return backup(args);
    if (command == "settlement.status") return settlement_status();
    if (command == "settlement.quarantine") return settlement_quarantine();
    if (command == "settlement.release") return settlement_release(args);
    if (command == "settlement.reconcile") return settlement_reconcile();
    return fail("unknown command '" + command + "'");
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what());
  }
}

bool AdminService::on_engine(const std::function<void(const Exchange&)>& fn) {
  // A failed engine thread no longer runs tasks: asking it would wait forever.
  if (venue_.sequencer().failed()) return false;
  venue_.sequencer().run_on_engine(fn);
  return true;
}

bool AdminService::wait_until(const std::function<bool(const Exchange&)>& pred) {
  const auto deadline = std::chrono::steady_clock::now() + apply_timeout_;
  for (;;) {
    bool seen = false;
    if (!on_engine([&](const Exchange& ex) { seen = pred(ex); })) return false;
    if (seen) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

json AdminService::session_json(const SessionConfig& s) const {
  json j;
  j["sender_comp_id"] = s.sender_comp_id;
  j["target_comp_id"] = s.target_comp_id;
  j["role"] = to_string(s.role);
  j["listener"] = s.listener;
  j["enabled"] = s.enabled;
  j["logged_on"] = venue_.gateway().is_logged_on(s.sender_comp_id);
  j["accounts"] = s.all_accounts ? json("all") : json(s.accounts);
  return j;
}

AdminResponse AdminService::status() {
  const VenueConfig& c = venue_.config();
  Sequencer& seq = venue_.sequencer();
  json r;
  r["venue"] = c.venue.name;
  r["pid"] = ::getpid();
  r["uptime_s"] =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count();
  r["config"] = reloader_.config_path().empty() ? "(embedded quickstart)" : reloader_.config_path();

  struct MarketRow {
    MarketStatus status;
    std::optional<Price> mark;
    size_t resting;
  };
  std::vector<MarketRow> rows;
  size_t live_orders = 0;
  const bool engine_ok = on_engine([&](const Exchange& ex) {
    for (MarketId id = 0; id < ex.market_count(); ++id) {
      rows.push_back({ex.market(id).status, ex.mark(id), ex.book(id).order_count()});
    }
    live_orders = ex.live_orders();
  });
  r["engine"] = {{"running", engine_ok},
                 {"failed", seq.failed()},
                 {"last_seq", seq.last_seq()},
                 {"queue_depth", seq.queue_depth()},
                 {"queue_capacity", c.engine.queue_capacity},
                 {"live_orders", live_orders}};
  r["journal"] = {{"path", c.journal.path},
                  {"last_seq", seq.last_seq()},
                  {"durability", c.journal.durability == Durability::sync ? "sync" : "normal"},
                  {"replayed_commands", venue_.replayed().commands}};
  json markets = json::array();
  for (size_t i = 0; i < c.markets.size(); ++i) {
    json m;
    m["symbol"] = c.markets[i].symbol;
    if (i < rows.size()) {
      m["status"] = to_string(rows[i].status);
      m["mark"] = rows[i].mark ? json(to_string(*rows[i].mark)) : json(nullptr);
      m["resting_orders"] = rows[i].resting;
    }
    markets.push_back(m);
  }
  r["markets"] = markets;
  json sessions = json::array();
  int logged_on = 0;
  for (const SessionConfig& s : c.sessions) {
    sessions.push_back(session_json(s));
    logged_on += sessions.back()["logged_on"].get<bool>() ? 1 : 0;
  }
  r["sessions"] = sessions;
  const fix::GatewayStats st = venue_.gateway().stats();
  r["fix"] = {{"commands_submitted", st.commands_submitted},
              {"rejected_before_engine", st.rejected_before_engine},
              {"throttled", st.throttled},
              {"system_busy", st.system_busy},
              {"logons_refused", st.logons_refused},
              {"resets_refused", st.resets_refused}};
  r["settlement"] = settlement_summary();
  return done(r, "last_seq=" + std::to_string(seq.last_seq()) +
                     " sessions_logged_on=" + std::to_string(logged_on));
}

AdminResponse AdminService::sessions_list() {
  json list = json::array();
  for (const SessionConfig& s : venue_.config().sessions) list.push_back(session_json(s));
  return done({{"sessions", list}}, std::to_string(list.size()) + " sessions");
}

AdminResponse AdminService::sessions_logout(const json& args) {
  const std::string sender = string_arg(args, "sender_comp_id");
  if (find_session(venue_.config(), sender) == nullptr) {
    return fail("unknown session '" + sender + "' (no configured SenderCompID)");
  }
  if (!venue_.gateway().is_logged_on(sender)) {
    return fail("session '" + sender + "' is not logged on");
  }
  std::string reason = "logged out by the venue operator";
  if (args.contains("reason") && args["reason"].is_string() &&
      !args["reason"].get<std::string>().empty())
    reason = args["reason"].get<std::string>();
  const std::string why = hooks_.logout_session ? hooks_.logout_session(sender, reason)
                                                : venue_.gateway().logout_session(sender, reason);
  if (!why.empty()) return fail("logout of '" + sender + "' failed: " + why);
  return done({{"sender_comp_id", sender}, {"logged_out", true}, {"reason", reason}},
              "logged out " + sender + " reason=" + reason);
}

AdminResponse AdminService::market_status(const json& args, MarketStatus target) {
  const std::string symbol = string_arg(args, "symbol");
  const MarketConfig* m = find_market(venue_.config(), symbol);
  if (m == nullptr) return fail("unknown market '" + symbol + "'");
  const MarketId id = m->id;
  MarketStatus before = MarketStatus::open;
  if (!on_engine([&](const Exchange& ex) { before = ex.market(id).status; })) {
    return fail("the engine has stopped (journal failure); nothing changed");
  }
  if (!venue_.sequencer().try_submit(SetMarketStatus{id, target})) {
    return fail("the engine queue is full or stopping; nothing changed");
  }
  const bool applied =
      wait_until([&](const Exchange& ex) { return ex.market(id).status == target; });
  if (!applied) {
    return fail("submitted, but the engine did not show " + symbol + " " + to_string(target) +
                " within " + std::to_string(apply_timeout_.count()) + " ms");
  }
  return done({{"symbol", symbol},
               {"previous", to_string(before)},
               {"status", to_string(target)},
               {"last_seq", venue_.sequencer().last_seq()}},
              symbol + " " + to_string(before) + " -> " + to_string(target));
}

AdminResponse AdminService::oracle_set(const json& args) {
  const std::string symbol = string_arg(args, "symbol");
  const std::string text = string_arg(args, "price");
  const MarketConfig* m = find_market(venue_.config(), symbol);
  if (m == nullptr) return fail("unknown market '" + symbol + "'");
  const auto parsed = parse_fixed<Price>(text);
  if (!parsed.ok()) {
    return fail("price '" + text + "': " + to_string(parsed.error) +
                "; expected a positive decimal with at most 6 decimals");
  }
  if (parsed.value.raw <= 0) return fail("price '" + text + "' must be positive");
  const MarketId id = m->id;
  const Price price = parsed.value;
  const TimestampNs published = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  if (!venue_.sequencer().try_submit(oracle_update_command(id, price, published))) {
    return fail("the engine queue is full or stopping; nothing changed");
  }
  if (!wait_until(
          [&](const Exchange& ex) { return oracle_update_applied(ex, id, price, published); })) {
    return fail("submitted, but the engine did not show the new price within " +
                std::to_string(apply_timeout_.count()) + " ms");
  }
  std::optional<Price> mark;
  on_engine([&](const Exchange& ex) { mark = ex.mark(id); });
  return done({{"symbol", symbol},
               {"price", to_string(price)},
               {"mark", mark ? json(to_string(*mark)) : json(nullptr)},
               {"last_seq", venue_.sequencer().last_seq()}},
              symbol + " price " + to_string(price));
}

AdminResponse AdminService::account_show(const json& args) {
  const std::string name = string_arg(args, "account");
  const VenueConfig& c = venue_.config();
  const AccountConfig* account = nullptr;
  for (const AccountConfig& a : c.accounts) {
    if (a.id == name) account = &a;
  }
  if (account == nullptr) return fail("unknown account '" + name + "'");
  const AccountId number = account->number;
  json orders = json::array();
  std::optional<json> risk;
  const bool ok = on_engine([&](const Exchange& ex) {
    // Resting orders, walked book by book (stops waiting for their trigger are not in a book and
    // the Exchange offers no view of them yet).
    for (MarketId id = 0; id < ex.market_count(); ++id) {
      for (Side side : {Side::buy, Side::sell}) {
        ex.book(id).for_each_order(side, [&](const BookOrder& o) {
          const OrderRecord* r = ex.order(o.id);
          if (r != nullptr && r->state.origin.account == number) {
            orders.push_back(order_json(c, r->state));
          }
        });
      }
    }
    risk = describe_account_risk(ex, number);
  });
  if (!ok) return fail("the engine has stopped (journal failure)");
  json r;
  r["account"] = name;
  r["number"] = number;
  r["enabled"] = account->enabled;
  r["resting_orders"] = orders;
  r["stop_orders"] = {{"available", false},
                      {"note",
                       "stop orders waiting for their trigger are not listed: the "
                       "engine has no view of them yet"}};
  if (risk) {
    r["risk"] = *risk;
  } else {
    r["risk"] = {{"available", false},
                 {"note",
                  "the engine runs without the margin core: no collateral, positions or "
                  "margin to show"}};
  }
  return done(r, name + " resting_orders=" + std::to_string(orders.size()));
}

AdminResponse AdminService::reload() {
  const ReloadOutcome out = reloader_.reload("admin");
  if (!out.valid) {
    AdminResponse r = fail("configuration not reloaded; nothing changed", out.to_json());
    r.summary = out.summary();
    return r;
  }
  return done(out.to_json(), out.summary());
}

AdminResponse AdminService::backup(const json& args) {
  const std::string target = string_arg(args, "path");
  const std::filesystem::path p(target);
  if (!p.is_absolute()) return fail("backup path must be absolute: " + target);
  if (std::filesystem::exists(p)) return fail("backup target exists; not overwriting: " + target);
  if (!std::filesystem::is_directory(p.parent_path())) {
    return fail("backup directory does not exist: " + p.parent_path().string());
  }
  const SeqNo at_start = venue_.sequencer().last_seq();
  const auto t0 = std::chrono::steady_clock::now();
  try {
    // Its own read-only connection and one read transaction: the engine keeps committing.
    SqliteJournal::backup(venue_.config().journal.path, target);
  } catch (const std::exception& e) {
    std::filesystem::remove(p);
    return fail(e.what());
  }
  ::chmod(target.c_str(), 0600);  // trading data: owner only, like the journal's directory
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  const auto bytes = std::filesystem::file_size(p);
  return done({{"path", target},
               {"bytes", bytes},
               {"journal_last_seq_at_start", at_start},
               {"duration_ms", ms}},
              "backup " + target + " bytes=" + std::to_string(bytes));
}

std::string AdminService::settlement_store_path() const {
  // Where the venue puts it (app/gateway/venue.cpp): beside the journal in the data dir.
  return (std::filesystem::path(venue_.config().venue.data_dir) / "settlement.db").string();
}

json AdminService::settlement_summary() {
  settlement::SettlementBridge* bridge = venue_.settlement();
  if (bridge == nullptr) {
    return {{"enabled", false},
            {"running", false},
            {"lag_ms", nullptr},
            {"note", "settlement.enabled is false: fills are not settled on chain"}};
  }
  const settlement::SettlementStatus st = bridge->status();
  std::string note;
  if (!st.ready) {
    note = "setting up" + (st.last_error.empty() ? std::string() : ": " + st.last_error);
  } else if (!st.last_error.empty()) {
    note = "last error: " + st.last_error;
  }
  return {{"enabled", true},
          {"running", st.running},
          {"ready", st.ready},
          {"lag_ms", st.lag_ms},
          {"lag_seq", st.lag_seq},
          {"pending_batches", st.pending_batches},
          {"batches_confirmed", st.batches_confirmed},
          {"quarantined_now", st.quarantined_now},
          {"last_error", st.last_error},
          {"note", note}};
}

AdminResponse AdminService::settlement_status() {
  settlement::SettlementBridge* bridge = venue_.settlement();
  if (bridge == nullptr) return fail("settlement is not enabled here (settlement.enabled: false)");
  const settlement::SettlementStatus st = bridge->status();
  json r = settlement_status_json(st);
  json accounts = json::array();
  for (const auto& a : bridge->accounts()) accounts.push_back(account_settlement_json(a));
  r["accounts"] = accounts;
  r["store"] = settlement_store_path();
  r["batches_by_state"] = settlement_batch_counts(settlement_store_path());
  r["recent_batches"] = recent_settlement_batches(settlement_store_path(), 10);
  return done(r, "ready=" + std::string(st.ready ? "true" : "false") +
                     " confirmed=" + std::to_string(st.batches_confirmed) +
                     " pending=" + std::to_string(st.pending_batches) + " quarantined=" +
                     std::to_string(st.quarantined_now) + " lag_ms=" + std::to_string(st.lag_ms));
}

AdminResponse AdminService::settlement_quarantine() {
  settlement::SettlementBridge* bridge = venue_.settlement();
  if (bridge == nullptr) return fail("settlement is not enabled here (settlement.enabled: false)");
  json list = json::array();
  for (const auto& a : bridge->quarantined()) list.push_back(account_settlement_json(a));
  const size_t n = list.size();
  return done({{"quarantined", std::move(list)}}, "quarantined=" + std::to_string(n));
}

AdminResponse AdminService::settlement_release(const json& args) {
  settlement::SettlementBridge* bridge = venue_.settlement();
  if (bridge == nullptr) return fail("settlement is not enabled here (settlement.enabled: false)");
  const std::string name = string_arg(args, "account");
  const AccountConfig* account = nullptr;
  for (const AccountConfig& a : venue_.config().accounts) {
    if (a.id == name) account = &a;
  }
  if (account == nullptr) return fail("unknown account '" + name + "'");
  if (!bridge->release(account->number)) {
    return fail("account '" + name +
                "' is not quarantined (or has no token account in the manifest, which a "
                "release cannot fix); nothing changed");
  }
  return done({{"account", name},
               {"number", account->number},
               {"released", true},
               {"note",
                "its carried amount goes in the next batch, whose pre-check quarantines it "
                "again if the desk is still short"}},
              "released " + name);
}

AdminResponse AdminService::settlement_reconcile() {
  settlement::SettlementBridge* bridge = venue_.settlement();
  if (bridge == nullptr) return fail("settlement is not enabled here (settlement.enabled: false)");
  const settlement::ReconcileReport rep = bridge->reconcile();
  json r = reconcile_json(rep);
  const std::string summary =
      "ok=" + std::string(rep.ok ? "true" : "false") + " lines=" + std::to_string(rep.lines.size());
  if (!rep.ok) {
    AdminResponse f =
        fail(rep.error.empty() ? "on-chain balances differ from the venue's settled collateral"
                               : "reconciliation failed: " + rep.error,
             r);
    f.summary = summary;
    return f;
  }
  return done(r, summary);
}

}  // namespace qd::admin
