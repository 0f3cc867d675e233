#include "fix/report_recovery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "fix/append_file_store.hpp"
#include "fix/gateway.hpp"
#include "fix/session_settings_builder.hpp"

namespace qd::fix {

namespace {

/// Reads an unsigned decimal of at most `max_digits` digits from s[i]; advances i.
std::optional<uint64_t> read_number(const std::string& s, size_t& i, size_t max_digits) {
  const size_t start = i;
  uint64_t v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < max_digits)
    v = v * 10 + uint64_t(s[i++] - '0');
  if (i == start || (i < s.size() && s[i] >= '0' && s[i] <= '9')) return std::nullopt;
  return v;
}

/// "<seq>.<index>" or, with `part`, "<seq>.<index>-<part>" (report_encoder's exec_id_text).
std::optional<ReportPosition> parse_position(const std::string& s, bool part_allowed) {
  size_t i = 0;
  std::optional<uint64_t> seq = read_number(s, i, 19);
  if (!seq || i >= s.size() || s[i++] != '.') return std::nullopt;
  std::optional<uint64_t> index = read_number(s, i, 9);
  if (!index) return std::nullopt;
  ReportPosition p{ExecId{*seq, uint32_t(*index)}, 0};
  if (i == s.size()) return p;
  if (!part_allowed || s[i++] != '-') return std::nullopt;
  std::optional<uint64_t> part = read_number(s, i, 9);
  if (!part || i != s.size()) return std::nullopt;
  p.part = uint32_t(*part);
  return p;
}

std::string msg_type(const FIX::Message& m) {
  return m.getHeader().isSetField(35) ? m.getHeader().getField(35) : std::string();
}

}  // namespace

std::optional<ReportPosition> report_position(const FIX::Message& m) {
  const std::string type = msg_type(m);
  if (type == "8" && m.isSetField(17)) return parse_position(m.getField(17), true);
  if (type == "r" && m.isSetField(37)) return parse_position(m.getField(37), false);
  return std::nullopt;
}

std::string body_text(const FIX::Message& m) {
  std::string out;
  for (auto it = m.begin(); it != m.end(); ++it) {
    out += std::to_string(it->getTag());
    out += '=';
    out += it->getString();
    out += '|';
  }
  return out;
}

StoreCursor read_store_cursor(const std::string& store_path, const FIX::SessionID& session) {
  StoreCursor c;
  if (!std::filesystem::exists(AppendFileStore::file_prefix(store_path, session) + ".session"))
    return c;  // never opened: nothing sent

  AppendFileStore store(store_path, session);
  c.usable = true;
  const FIX::UtcTimeStamp created = store.getCreationTime();
  c.created_ns = TimestampNs(created.getTimeT()) * 1'000'000'000 + created.getNanosecond();
  std::vector<std::string> rejects_newest_first;
  constexpr int chunk = 256;
  std::vector<std::string> messages;
  for (int hi = store.getNextSenderMsgSeqNum() - 1; hi >= 1 && !c.last; hi -= chunk) {
    store.get(std::max(1, hi - chunk + 1), hi, messages);
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
      ++c.messages_read;
      FIX::Message m;
      try {
        m = FIX::Message(*it, false);
      } catch (const std::exception&) {
        continue;  // not one of ours to judge
      }
      if (std::optional<ReportPosition> p = report_position(m)) {
        c.last = p;
        break;
      }
      if (msg_type(m) == "9") rejects_newest_first.push_back(body_text(m));
    }
  }
  c.later_cancel_rejects.assign(rejects_newest_first.rbegin(), rejects_newest_first.rend());
  return c;
}

ReportRecovery::ReportRecovery(StoreCursor cursor) : cursor_(std::move(cursor)) {}

bool ReportRecovery::may_lack(const Event& e) const {
  // >=: the stored position may be one part of an event with more parts.
  return cursor_.last ? e.exec_id() >= cursor_.last->id : e.ts >= cursor_.created_ns;
}

void ReportRecovery::offer(const Event& e, FIX::Message report) {
  const std::optional<ReportPosition> pos = report_position(report);
  const bool stored = cursor_.last ? (pos ? *pos <= *cursor_.last : e.exec_id() <= cursor_.last->id)
                                   : e.ts < cursor_.created_ns;
  if (stored) return;
  if (matching_ && !pos && msg_type(report) == "9") {
    // Gateway-made 9s (refused before the engine) may sit between the stored journal ones.
    const std::string body = body_text(report);
    const auto& stored_rejects = cursor_.later_cancel_rejects;
    for (size_t k = next_reject_; k < stored_rejects.size(); ++k) {
      if (stored_rejects[k] == body) {
        next_reject_ = k + 1;
        return;
      }
    }
  }
  matching_ = false;  // the first report the store lacks: it lacks every later one too
  missing_.push_back(std::move(report));
}

// The Gateway's side (members, like gateway_requests.cpp).

void Gateway::prepare_report_recovery() {
  std::lock_guard lock(view_mu_);
  if (started_) throw std::logic_error("Gateway::prepare_report_recovery after start()");
  recovery_.clear();
  recovery_.resize(sessions_.size());
  bool any = false;
  for (auto& s : sessions_) {
    // Only order-entry sessions enter orders and receive their reports (route()).
    if (s->config.role != SessionRole::order_entry) continue;
    if (!s->config.quickfix.persist_messages) {
      spdlog::warn(
          "FIX {}: PersistMessages is off, so reports lost in a crash cannot be told apart from "
          "reports sent; none are recovered for this session",
          s->id.toString());
      continue;
    }
    StoreCursor c;
    try {
      c = read_store_cursor(store_path_of(config_, s->config), s->id);
    } catch (const std::exception& e) {
      spdlog::error("FIX {}: message store unreadable, no reports recovered: {}", s->id.toString(),
                    e.what());
      continue;
    }
    if (!c.usable) continue;
    spdlog::info("event=report_cursor session={} last={} store_messages_read={}", s->id.toString(),
                 c.last ? exec_id_text(c.last->id) + "-" + std::to_string(c.last->part)
                        : std::string("none"),
                 c.messages_read);
    recovery_[s->number - 1] = std::make_unique<ReportRecovery>(std::move(c));
    any = true;
  }
  if (!any) recovery_.clear();
}

bool Gateway::recovery_may_lack(const SessionRuntime& s, const Event& e) const {
  const size_t i = s.number - 1;
  return i < recovery_.size() && recovery_[i] && recovery_[i]->may_lack(e);
}

void Gateway::offer_recovered(const SessionRuntime& s, const Event& e, const FIX::Message& report) {
  recovery_[s.number - 1]->offer(e, report);
}

void Gateway::queue_recovered_reports() {
  for (size_t i = 0; i < recovery_.size(); ++i) {
    if (!recovery_[i]) continue;
    SessionRuntime& s = *sessions_[i];
    std::vector<FIX::Message> reports = recovery_[i]->take();
    if (reports.empty()) continue;
    spdlog::warn(
        "event=reports_recovered session={} reports={}: committed before the last stop but never "
        "handed to the session; sent as new messages after the desk's next Logon",
        s.id.toString(), reports.size());
    // Held until the Logon, so they go out as new messages ahead of anything queued after them.
    s.outbox.hold();
    for (FIX::Message& m : reports) s.outbox.push(std::move(m));
  }
  recovery_.clear();
}

}  // namespace qd::fix
