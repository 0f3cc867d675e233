#include "fix/wire_message.hpp"

#include <algorithm>
#include <charconv>

#include "fix/fix_time.hpp"

namespace qd::fix {

namespace {

constexpr char SOH = '\x01';

void append_field(std::string& out, int tag, std::string_view value) {
  char digits[16];
  auto end = std::to_chars(digits, digits + sizeof digits, tag).ptr;
  out.append(digits, end);
  out += '=';
  out.append(value);
  out += SOH;
}

void append_field(std::string& out, int tag, int64_t value) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  append_field(out, tag, std::string_view(digits, size_t(end - digits)));
}

}  // namespace

void WireMessage::set(int tag, std::string_view value) {
  for (auto& [t, v] : fields_) {
    if (t == tag) {
      v.assign(value);
      return;
    }
  }
  fields_.emplace_back(tag, std::string(value));
}

void WireMessage::set(int tag, int64_t value) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  set(tag, std::string_view(digits, size_t(end - digits)));
}

const std::string* WireMessage::get(int tag) const {
  for (const auto& [t, v] : fields_)
    if (t == tag) return &v;
  return nullptr;
}

FIX::Message WireMessage::to_message() const {
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType(msg_type_));
  for (const auto& [tag, value] : fields_) m.setField(tag, value);
  return m;
}

std::string WireMessage::frame(const Header& header) const {
  // Body fields in tag order, as QuickFIX orders a body without a dictionary's field order.
  std::vector<const std::pair<int, std::string>*> body;
  body.reserve(fields_.size());
  for (const auto& f : fields_) body.push_back(&f);
  std::sort(body.begin(), body.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });

  // Everything BodyLength counts: from MsgType to the SOH before CheckSum.
  std::string counted;
  counted.reserve(256);
  append_field(counted, FIX::FIELD::MsgType, msg_type_);
  append_field(counted, FIX::FIELD::MsgSeqNum, int64_t(header.msg_seq_num));
  append_field(counted, FIX::FIELD::SenderCompID, header.sender_comp_id);
  append_field(counted, FIX::FIELD::SendingTime,
               format_utc_timestamp(header.sending_time, header.sending_time_digits));
  append_field(counted, FIX::FIELD::TargetCompID, header.target_comp_id);
  for (const auto* f : body) append_field(counted, f->first, f->second);

  std::string out;
  out.reserve(counted.size() + 32);
  append_field(out, FIX::FIELD::BeginString, header.begin_string);
  append_field(out, FIX::FIELD::BodyLength, int64_t(counted.size()));
  out += counted;
  unsigned sum = 0;
  for (unsigned char c : out) sum += c;
  const unsigned checksum = sum % 256;
  const char text[3] = {char('0' + checksum / 100), char('0' + checksum / 10 % 10),
                        char('0' + checksum % 10)};
  append_field(out, FIX::FIELD::CheckSum, std::string_view(text, 3));
  return out;
}

}  // namespace qd::fix
