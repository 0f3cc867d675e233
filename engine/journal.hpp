#pragma once
// The journal port: the sequencer hands it each batch of stamped commands and the events they
// produced, and releases those events only after append() returns (ack means durable). The
// SQLite implementation lives beside it; replay reads the commands back in sequence order.

#include <span>

#include "core/command.hpp"
#include "core/event.hpp"

namespace qd {

class Journal {
 public:
  virtual ~Journal() = default;
  /// Highest sequence number already journaled (0 for a new journal).
  virtual SeqNo last_seq() const = 0;
  /// Durably records one batch; returns only once it is committed. Throws on I/O failure: the
  /// sequencer then stops rather than acknowledge anything it could not record.
  virtual void append(std::span<const Command> commands, std::span<const Event> events) = 0;
};

}  // namespace qd
