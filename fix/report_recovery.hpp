#pragma once
// Reports committed but never handed to QuickFIX: after a crash (kill -9) between the journal's
// commit and the outbox's sendToTarget, a desk would never hear of orders that were accepted,
// filled or canceled. A session's QuickFIX message store holds every message the outbox handed
// over (sent, or stored for a ResendRequest), so the store is the truth for what the desk has or
// can still get. At startup, before the journal is replayed, the gateway reads the newest
// outbound messages of each order-entry session's store (read_store_cursor); replay then offers
// every report the gateway would have sent that session (ReportRecovery::offer), and the ones
// the store lacks are queued, exactly as encoded live (same ExecIDs, same fields), to go out as
// new messages once the desk logs on (Gateway::start, Gateway::onLogon).
//
// Why the newest stored position is enough: the outbox hands one session's messages to QuickFIX
// in the order the gateway queued them, and the gateway queues a session's reports in journal
// order. So the stored reports are a prefix of the session's reports, and the highest journal
// position among them (ExecID 17 "<seq>.<index>[-<part>]" of an ExecutionReport, OrderID 37 of an
// OrderMassCancelReport) splits stored from lost. An OrderCancelReject (9) carries no journal
// position: the ones stored after that point are matched field by field against the journal's
// next reports. A store without any positioned report (new, or reset: a new session period,
// ResetOnLogon, an authenticated 141=Y) bounds recovery by its creation time instead.
//
// Gateway answers that never reach the engine (a NewOrderSingle refused before the engine, an F,
// G or q refused by the gateway, status answers, BusinessMessageRejects) have no journal event
// and are not recovered: a desk that lost one asks again (OrderStatusRequest, or the request).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "fix/quickfix.hpp"

namespace qd::fix {

/// Where a report stands in the journal: its event and, for position reports (one event, one
/// report per account: "<seq>.<index>-<part>"), the part. Ordered as the gateway queues them.
struct ReportPosition {
  ExecId id;
  uint32_t part = 0;
  constexpr auto operator<=>(const ReportPosition&) const = default;
};

/// The journal position a venue message carries: the ExecID (17) of an ExecutionReport for an
/// engine event, the OrderID (37) of an OrderMassCancelReport; nullopt for everything else
/// (gateway ExecIDs "G...", OrderCancelReject, BusinessMessageReject, session messages).
std::optional<ReportPosition> report_position(const FIX::Message& m);

/// The body of a message as "tag=value|" in tag order (no header, no trailer): what two
/// encodings of one report have in common whatever their sequence numbers and sending times.
std::string body_text(const FIX::Message& m);

/// What a session's message store says about the reports handed to QuickFIX.
struct StoreCursor {
  /// False when the store cannot tell (no store files yet, or PersistMessages=N): nothing is
  /// recovered for the session.
  bool usable = false;
  /// The highest journal position among the stored messages; nullopt when none carries one.
  std::optional<ReportPosition> last;
  /// body_text of each OrderCancelReject stored after `last` (all of them when `last` is
  /// empty), oldest first.
  std::vector<std::string> later_cancel_rejects;
  /// When the store was created or last reset (ns since the epoch; QuickFIX keeps seconds).
  TimestampNs created_ns = 0;
  uint64_t messages_read = 0;
};

/// Reads the newest outbound messages of the message store of `session` under `store_path` (the
/// session's FileStorePath; AppendFileStore), newest first, until one carries a journal
/// position. Call before QuickFIX opens the store (it is opened and closed here). Throws
/// FIX::ConfigError when the store exists but cannot be opened, FIX::IOException when a message
/// cannot be read.
StoreCursor read_store_cursor(const std::string& store_path, const FIX::SessionID& session);

/// One session's recovery while the journal replays: keeps the reports its store lacks.
class ReportRecovery {
 public:
  explicit ReportRecovery(StoreCursor cursor);

  /// False when every report of `e` is certainly in the store (cheap; before encoding).
  bool may_lack(const Event& e) const;
  /// A report the gateway would have queued for this session for `e`, in the order it would
  /// have queued it; kept when the store lacks it.
  void offer(const Event& e, FIX::Message report);

  /// The reports to send, in journal order; empties the list.
  std::vector<FIX::Message> take() { return std::move(missing_); }
  const StoreCursor& cursor() const { return cursor_; }
  size_t missing() const { return missing_.size(); }

 private:
  StoreCursor cursor_;
  size_t next_reject_ = 0;  // into cursor_.later_cancel_rejects
  bool matching_ = true;    // still inside the stored prefix after cursor_.last
  std::vector<FIX::Message> missing_;
};

}  // namespace qd::fix
