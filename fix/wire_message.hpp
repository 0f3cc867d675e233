#pragma once
// An outbound application message as FIX text, built without QuickFIX's Message.
//
// Why: a QuickFIX Message keeps every field as two heap strings in a sorted vector, and the
// gateway's two ExecutionReports per order were built on the publisher thread, serialised on
// the outbox thread and freed there: about a third of the venue's CPU per order. A WireMessage
// is a short list of (tag, value) pairs; frame() writes the whole message (header, BodyLength,
// CheckSum) in one pass, byte for byte what QuickFIX would write for the same fields
// (tests/unit/fix/wire_message_test.cpp), so stored copies resend exactly as before.
//
// Body fields only, no repeating groups: the messages built this way have none.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "fix/quickfix.hpp"

namespace qd::fix {

class WireMessage {
 public:
  explicit WireMessage(std::string_view msg_type) : msg_type_(msg_type) {}

  /// Sets a body field, replacing an earlier value of the same tag (as FieldMap::setField).
  void set(int tag, std::string_view value);
  void set(int tag, char value) { set(tag, std::string_view(&value, 1)); }
  void set(int tag, int64_t value);

  const std::string& msg_type() const { return msg_type_; }
  /// The value of a body field; nullptr when it is not set.
  const std::string* get(int tag) const;

  /// The same message as a QuickFIX Message (drop copy, recovery, TLS sessions, tests).
  FIX::Message to_message() const;

  /// The header fields QuickFIX's Session::fill adds when it sends.
  struct Header {
    std::string_view begin_string;
    std::string_view sender_comp_id;
    std::string_view target_comp_id;
    int msg_seq_num = 0;
    TimestampNs sending_time = 0;
    int sending_time_digits = 3;  ///< fraction digits of SendingTime (0, 3, 6, 9)
  };
  /// The whole message as it goes on the wire and into the message store: header (8, 9, 35,
  /// then 34, 49, 52, 56), the body fields in tag order, CheckSum.
  std::string frame(const Header& header) const;

 private:
  std::string msg_type_;
  std::vector<std::pair<int, std::string>> fields_;  // in the order set; framed in tag order
};

}  // namespace qd::fix
