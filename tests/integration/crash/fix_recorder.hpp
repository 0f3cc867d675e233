#pragma once
// Everything the crash test's desks receive, as plain strings, in arrival order. QuickFIX
// threads append; the test thread reads from a cursor.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fix/quickfix.hpp"

namespace qd::crash {

/// One received application message, reduced to the fields the test checks.
struct Report {
  std::string session;  ///< our SenderCompID
  std::string msg_type, exec_id, exec_type, ord_status, order_id, cl_ord_id, orig_cl_ord_id;
  std::string account, side, cum_qty, leaves_qty, last_qty, last_px, trade_id, status_req_id;
  std::string text;
  bool poss_dup = false;

  /// What must be identical every time one ExecID is delivered (a resend repeats it exactly).
  std::string signature() const {
    return msg_type + "|" + exec_type + "|" + order_id + "|" + cl_ord_id + "|" + ord_status + "|" +
           cum_qty + "|" + leaves_qty + "|" + last_qty + "|" + last_px + "|" + trade_id;
  }
  /// Engine events carry ExecID "<seq>.<index>" (fix::exec_id_text); the gateway's own reports
  /// (status answers, gateway rejects) and position reports carry other forms.
  bool from_engine() const { return split_exec_id().has_value(); }
  /// (seq, index) of an engine ExecID.
  std::optional<std::pair<int64_t, int64_t>> split_exec_id() const {
    const size_t dot = exec_id.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == exec_id.size() || dot > 18 ||
        exec_id.size() - dot > 11)
      return std::nullopt;
    for (size_t i = 0; i < exec_id.size(); ++i)
      if (i != dot && (exec_id[i] < '0' || exec_id[i] > '9')) return std::nullopt;
    return std::pair{std::stoll(exec_id.substr(0, dot)), std::stoll(exec_id.substr(dot + 1))};
  }
};

class Recorder {
 public:
  void add(const std::string& session, const FIX::Message& m) {
    auto get = [&](int tag) -> std::string {
      if (m.isSetField(tag)) return m.getField(tag);
      if (m.getHeader().isSetField(tag)) return m.getHeader().getField(tag);
      return "";
    };
    Report r;
    r.session = session;
    r.msg_type = get(35);
    r.exec_id = get(17);
    r.exec_type = get(150);
    r.ord_status = get(39);
    r.order_id = get(37);
    r.cl_ord_id = get(11);
    r.orig_cl_ord_id = get(41);
    r.account = get(1);
    r.side = get(54);
    r.cum_qty = get(14);
    r.leaves_qty = get(151);
    r.last_qty = get(32);
    r.last_px = get(31);
    r.trade_id = get(20005);
    r.status_req_id = get(790);
    r.text = get(58);
    r.poss_dup = get(43) == "Y";
    {
      std::lock_guard lock(mu_);
      reports_.push_back(std::move(r));
      last_arrival_ = std::chrono::steady_clock::now();
    }
    cv_.notify_all();
  }

  /// Reports from `cursor` on; advances it.
  std::vector<Report> take(size_t& cursor) const {
    std::lock_guard lock(mu_);
    std::vector<Report> out(reports_.begin() + long(cursor), reports_.end());
    cursor = reports_.size();
    return out;
  }
  std::vector<Report> all() const {
    std::lock_guard lock(mu_);
    return reports_;
  }
  /// Waits until nothing arrived for `quiet`, at most `limit`.
  void wait_quiet(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) const {
    const auto end = std::chrono::steady_clock::now() + limit;
    std::unique_lock lock(mu_);
    while (std::chrono::steady_clock::now() < end) {
      const auto since = std::chrono::steady_clock::now() - last_arrival_;
      if (since >= quiet) return;
      cv_.wait_for(lock, quiet - since);
    }
  }
  /// Waits until `pred(reports)` holds, at most `limit`.
  template <class Pred>
  bool wait_until(Pred pred, std::chrono::milliseconds limit) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return pred(reports_); });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<Report> reports_;
  std::chrono::steady_clock::time_point last_arrival_ = std::chrono::steady_clock::now();
};

}  // namespace qd::crash
