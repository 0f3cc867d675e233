#include "app/admin/qdctl_render.hpp"

#include <iomanip>

namespace qd::admin {

namespace {

using nlohmann::json;

std::string str(const json& j, const char* key, const std::string& fallback = "-") {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return fallback;
  const json& v = j[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

void list(std::ostream& out, const json& r, const char* key, const char* title) {
  if (!r.contains(key) || r[key].empty()) return;
  out << title << "\n";
  for (const auto& s : r[key]) out << "  " << s.get<std::string>() << "\n";
}

void render_status(const json& r, std::ostream& out) {
  out << str(r, "venue") << "  (pid " << str(r, "pid") << ", up " << str(r, "uptime_s")
      << " s, config " << str(r, "config") << ")\n";
  const json& e = r["engine"];
  out << "engine      " << (e.value("failed", false) ? "FAILED (journal)" : "running")
      << "  last_seq " << str(e, "last_seq") << "  queue " << str(e, "queue_depth") << "/"
      << str(e, "queue_capacity") << "  live orders " << str(e, "live_orders") << "\n";
  const json& j = r["journal"];
  out << "journal     " << str(j, "path") << "  last_seq " << str(j, "last_seq") << "  durability "
      << str(j, "durability") << "\n";
  const json& s = r["settlement"];
  if (!s.value("enabled", false)) {
    out << "settlement  off  (" << str(s, "note") << ")\n";
  } else {
    out << "settlement  " << (s.value("ready", false) ? "running" : "not ready") << "  lag "
        << str(s, "lag_ms") << " ms  pending batches " << str(s, "pending_batches")
        << "  confirmed " << str(s, "batches_confirmed") << "  quarantined "
        << str(s, "quarantined_now");
    const std::string note = str(s, "note", "");
    out << (note.empty() ? "" : "  (" + note + ")") << "\n";
  }
  out << "markets\n";
  for (const auto& m : r["markets"]) {
    out << "  " << std::left << std::setw(14) << str(m, "symbol") << std::setw(8)
        << str(m, "status") << " mark " << std::setw(14) << str(m, "mark", "(none)") << " resting "
        << str(m, "resting_orders") << "\n";
  }
  out << "sessions\n";
  for (const auto& x : r["sessions"]) {
    out << "  " << std::left << std::setw(14) << str(x, "sender_comp_id") << std::setw(13)
        << str(x, "role") << (x.value("logged_on", false) ? "logged on" : "logged off")
        << (x.value("enabled", true) ? "" : "  (disabled)") << "\n";
  }
  const json& f = r["fix"];
  out << "fix         submitted " << str(f, "commands_submitted") << "  rejected before engine "
      << str(f, "rejected_before_engine") << "  throttled " << str(f, "throttled")
      << "  system busy " << str(f, "system_busy") << "  logons refused "
      << str(f, "logons_refused") << "\n";
}

void render_sessions(const json& r, std::ostream& out) {
  for (const auto& x : r["sessions"]) {
    const json& a = x["accounts"];
    std::string accounts = a.is_string() ? a.get<std::string>() : "";
    if (a.is_array()) {
      for (const auto& v : a) accounts += (accounts.empty() ? "" : ",") + v.get<std::string>();
    }
    out << std::left << std::setw(14) << str(x, "sender_comp_id") << std::setw(13) << str(x, "role")
        << std::setw(11) << (x.value("logged_on", false) ? "logged on" : "logged off")
        << (x.value("enabled", true) ? "enabled " : "disabled") << "  listener "
        << str(x, "listener") << "  accounts " << (accounts.empty() ? "-" : accounts) << "\n";
  }
}

void render_account(const json& r, std::ostream& out) {
  out << "account " << str(r, "account") << " (#" << str(r, "number") << ", "
      << (r.value("enabled", true) ? "enabled" : "disabled") << ")\n";
  const json& orders = r["resting_orders"];
  out << "resting orders: " << orders.size() << "\n";
  for (const auto& o : orders) {
    out << "  " << std::left << std::setw(8) << str(o, "order_id") << std::setw(12)
        << str(o, "market") << std::setw(5) << str(o, "side") << std::setw(6) << str(o, "type")
        << " " << str(o, "leaves_qty") << " @ " << str(o, "price") << "  filled "
        << str(o, "cum_qty") << "  " << str(o, "tif") << "  " << str(o, "status") << "  clordid "
        << str(o, "client_order_id") << "\n";
  }
  out << "stop orders: " << str(r["stop_orders"], "note") << "\n";
  const json& risk = r["risk"];
  if (!risk.value("available", false)) {
    out << "collateral/positions/margin: " << str(risk, "note") << "\n";
    return;
  }
  out << "collateral " << str(risk, "collateral") << "  equity " << str(risk, "equity")
      << "  unrealized " << str(risk, "unrealized_pnl") << "  free " << str(risk, "free_collateral")
      << "\nmargin     initial " << str(risk, "initial_requirement") << "  maintenance "
      << str(risk, "maintenance_requirement") << "  position notional "
      << str(risk, "position_notional") << "  (" << str(risk, "margin_status") << ")\n";
  out << "positions: " << risk["positions"].size() << "\n";
  for (const auto& p : risk["positions"]) {
    out << "  " << std::left << std::setw(12) << str(p, "market") << " base " << str(p, "base")
        << "  entry notional " << str(p, "entry_notional") << "  realized "
        << str(p, "realized_pnl") << "  liquidation " << str(p, "liquidation_price", "-")
        << "  resting bids " << str(p, "resting_bids") << " asks " << str(p, "resting_asks")
        << "\n";
  }
}

void render_reload(const json& r, std::ostream& out) {
  list(out, r, "errors", "errors (nothing changed):");
  if (!r.value("valid", false)) return;
  const bool none = r["applied"].empty() && r["pending"].empty() && r["restart"].empty() &&
                    r["initial_only"].empty();
  if (none) {
    out << "configuration valid; no changes\n";
    return;
  }
  out << "configuration valid\n";
  list(out, r, "applied", "applied now:");
  list(out, r, "pending",
       "live settings NOT applied yet (live apply pending; effective after a restart):");
  list(out, r, "restart", "need a restart:");
  list(out, r, "initial_only", "initial values only (the journal already has state; no effect):");
}

void render_settlement_account(const json& a, std::ostream& out) {
  out << "  " << std::left << std::setw(12) << str(a, "account") << " collateral "
      << str(a, "collateral") << "  booked " << str(a, "booked") << "  pending "
      << str(a, "pending") << "  in flight " << str(a, "in_flight") << "  unsettled "
      << str(a, "unsettled");
  if (a.value("quarantined", false)) out << "  QUARANTINED: " << str(a, "reason");
  out << "\n";
}

void render_settlement_status(const json& r, std::ostream& out) {
  out << "settlement  " << (r.value("ready", false) ? "ready" : "NOT READY")
      << (r.value("idle", false) ? " (idle)" : "") << "  lag " << str(r, "lag_ms") << " ms / "
      << str(r, "lag_seq") << " commands\n";
  const std::string error = str(r, "last_error", "");
  if (!error.empty()) out << "last error  " << error << "\n";
  out << "journal     seq " << str(r, "journal_seq") << "  read " << str(r, "read_seq")
      << "  batched " << str(r, "batched_seq") << "  confirmed " << str(r, "confirmed_seq")
      << "  finalized " << str(r, "finalized_seq") << "\n";
  out << "this run    batches closed " << str(r, "batches_closed") << ", confirmed "
      << str(r, "batches_confirmed") << ", finalized " << str(r, "batches_finalized")
      << "; pending " << str(r, "pending_batches") << "; fills finalized "
      << str(r, "fills_finalized") << "; versions signed " << str(r, "versions_signed")
      << ", expired " << str(r, "versions_expired") << ", failed " << str(r, "versions_failed")
      << "; quarantines " << str(r, "quarantines") << " (now " << str(r, "quarantined_now")
      << ")\n";
  out << "accounts\n";
  for (const auto& a : r["accounts"]) render_settlement_account(a, out);
  out << "recent batches (" << str(r, "store") << ")\n";
  for (const auto& b : r["recent_batches"]) {
    out << "  #" << std::left << std::setw(6) << str(b, "batch_id") << std::setw(10)
        << str(b, "state") << " fills " << std::setw(5) << str(b, "fills") << " seq ("
        << str(b, "from_seq") << ", " << str(b, "to_seq") << "]  root "
        << str(b, "merkle_root").substr(0, 16) << "...\n";
    for (const auto& sig : b["signatures"]) {
      out << "      part " << str(sig, "part") << "  " << str(sig, "signature") << "  ("
          << str(sig, "state") << ")\n";
    }
  }
}

void render_reconcile(const json& r, std::ostream& out) {
  out << (r.value("ok", false) ? "reconciled: every balance matches"
                               : "NOT reconciled: see the differences")
      << "\n";
  for (const auto& l : r["lines"]) {
    out << "  " << std::left << std::setw(12) << str(l, "account") << " on chain "
        << str(l, "onchain") << "  expected " << str(l, "expected") << "  pending "
        << str(l, "pending") << "  difference " << str(l, "difference");
    const std::string e = str(l, "error", "");
    out << (e.empty() ? "" : "  error: " + e) << "\n";
  }
}

}  // namespace

void render(const std::string& command, const json& result, std::ostream& out) {
  if (command == "status") {
    render_status(result, out);
  } else if (command == "sessions.list") {
    render_sessions(result, out);
  } else if (command == "sessions.logout") {
    out << "logged out " << str(result, "sender_comp_id") << "\n";
  } else if (command.rfind("market.", 0) == 0) {
    out << str(result, "symbol") << ": " << str(result, "previous") << " -> "
        << str(result, "status") << " (journal at seq " << str(result, "last_seq") << ")\n";
  } else if (command == "oracle.set") {
    out << str(result, "symbol") << ": oracle price set to " << str(result, "price") << ", mark "
        << str(result, "mark", "(none)") << " (journal at seq " << str(result, "last_seq") << ")\n";
  } else if (command == "account.show") {
    render_account(result, out);
  } else if (command == "reload") {
    render_reload(result, out);
  } else if (command == "backup") {
    out << "backup written: " << str(result, "path") << " (" << str(result, "bytes")
        << " bytes; journal at seq " << str(result, "journal_last_seq_at_start")
        << " when it started; " << str(result, "duration_ms") << " ms)\n";
  } else if (command == "settlement.status") {
    render_settlement_status(result, out);
  } else if (command == "settlement.quarantine") {
    if (result["quarantined"].empty()) out << "no account is quarantined\n";
    for (const auto& a : result["quarantined"]) render_settlement_account(a, out);
  } else if (command == "settlement.release") {
    out << "released " << str(result, "account") << ": " << str(result, "note") << "\n";
  } else if (command == "settlement.reconcile") {
    render_reconcile(result, out);
  } else {
    out << result.dump(2) << "\n";
  }
}

void render_error(const std::string& command, const json& response, std::ostream& err) {
  err << "qdctl: " << response.value("error", std::string("request failed")) << "\n";
  if (command == "reload" && response.contains("result") && response["result"].is_object()) {
    render_reload(response["result"], err);
  }
  if (command == "settlement.reconcile" && response.contains("result") &&
      response["result"].is_object() && response["result"].contains("lines")) {
    render_reconcile(response["result"], err);
  }
}

}  // namespace qd::admin
