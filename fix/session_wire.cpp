#include "fix/session_wire.hpp"

#include "fix/fix_time.hpp"

namespace qd::fix {

bool SessionWire::send(FIX::Session& session, const WireMessage& message) {
  std::lock_guard lock(mu_);
  // Session::getLog() is the session's SessionState, which is also its message store: the one
  // public way to the store and the sender sequence number QuickFIX itself uses.
  auto& state = static_cast<FIX::SessionState&>(*session.getLog());
  const FIX::SessionID& id = session.getSessionID();
  const int seq = state.getNextSenderMsgSeqNum();
  // One buffer per outbox thread: the store, the log and the connection copy what they keep.
  thread_local std::string text;
  message.frame({id.getBeginString().getValue(), id.getSenderCompID().getValue(),
                 id.getTargetCompID().getValue(), seq, wall_clock_ns(),
                 session.getTimestampPrecision()},
                text);
  state.lastSentTime(FIX::UtcTimeStamp());  // as Session::fill: no heartbeat while reports flow
  // Stored before it is sent (QuickFIX sends first): a message the desk holds can always be
  // resent, and inside a batch the connection writes the store ahead of its first message.
  state.set(seq, text);
  state.incrNextSenderMsgSeqNum();
  if (!session.isLoggedOn() || !connection_) return false;
  state.onOutgoing(text);
  return connection_->send(text);
}

}  // namespace qd::fix
