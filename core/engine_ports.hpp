#pragma once
// The two ports between the engine and its edges. FIX threads only decode and submit; consumers
// (order-entry responders, drop copy, market data, settlement) only receive events, and receive
// them after the journal has committed the commands that produced them.

#include <span>

#include "core/command.hpp"
#include "core/event.hpp"

namespace qd {

/// Where decoded commands go: the sequencer's bounded queue. Thread-safe.
class CommandSink {
 public:
  virtual ~CommandSink() = default;
  /// False when the queue is full: the caller answers "system busy" and nothing happens.
  virtual bool try_submit(CommandBody command) = 0;
};

/// Receives each committed batch of events, in sequence order, on the publisher thread.
/// Implementations must not block for long: a slow consumer delays every other consumer.
class EventListener {
 public:
  virtual ~EventListener() = default;
  virtual void on_events(std::span<const Event> events) = 0;
};

}  // namespace qd
