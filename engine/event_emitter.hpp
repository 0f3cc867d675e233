#pragma once
// Appends a command's events, stamping each with the command's seq and time and its index among
// the command's events (ExecID = seq.index); hands out the command's trade ids.

#include <utility>
#include <vector>

#include "core/command.hpp"
#include "core/event.hpp"

namespace qd {

class EventEmitter {
 public:
  EventEmitter(std::vector<Event>& out, const Command& c) : out_(out), seq_(c.seq), ts_(c.ts) {}
  template <class T>
  void operator()(T&& body) {
    out_.push_back(Event{seq_, index_++, ts_, EventBody(std::forward<T>(body))});
  }
  TradeId next_trade_id() { return {seq_, trades_++}; }

 private:
  std::vector<Event>& out_;
  SeqNo seq_;
  TimestampNs ts_;
  uint32_t index_ = 0;
  uint32_t trades_ = 0;
};

}  // namespace qd
