#pragma once
// An outbound application message as FIX text, built without QuickFIX's Message.
//
// Why: a QuickFIX Message keeps every field as two heap strings in a sorted vector, and the
// gateway's two ExecutionReports per order were built on the publisher thread, serialised on
// the outbox thread and freed there: about a third of the venue's CPU per order. A WireMessage
// is a short list of (tag, value) pairs in one buffer; frame() writes the whole message (header,
// BodyLength, CheckSum) into a reused buffer, byte for byte what QuickFIX would write for the
// same fields (tests/unit/fix/wire_message_test.cpp), so stored copies resend exactly as before.
//
// Body fields only, no repeating groups: the messages built this way have none.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "fix/quickfix.hpp"

namespace qd::fix {

class WireMessage {
 public:
  explicit WireMessage(std::string_view msg_type);

  /// Sets a body field, replacing an earlier value of the same tag (as FieldMap::setField).
  void set(int tag, std::string_view value);
  void set(int tag, char value) { set(tag, std::string_view(&value, 1)); }
  void set(int tag, int64_t value);

  const std::string& msg_type() const { return msg_type_; }
  /// The value of a body field; nullopt when it is not set.
  std::optional<std::string_view> get(int tag) const;

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
  /// then 34, 49, 52, 56), the body fields in tag order, CheckSum. Replaces `out`'s contents
  /// (a buffer the caller reuses: no allocation once it has grown).
  void frame(const Header& header, std::string& out) const;
  std::string frame(const Header& header) const {
    std::string out;
    frame(header, out);
    return out;
  }

 private:
  struct Field {
    int tag;
    uint32_t offset;  // into values_
    uint32_t size;
  };
  /// Where `tag` is or would go in fields_.
  std::vector<Field>::const_iterator position(int tag) const;

  std::string msg_type_;
  // Two allocations per message, whatever its fields: the values back to back (a replaced
  // value stays behind, unused), and the fields kept in tag order as QuickFIX orders a body.
  std::string values_;
  std::vector<Field> fields_;
};

}  // namespace qd::fix
