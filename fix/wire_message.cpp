#include "fix/wire_message.hpp"

#include <algorithm>
#include <charconv>

#include "fix/fix_time.hpp"

namespace qd::fix {

namespace {

constexpr char SOH = '\x01';

/// An integer's decimal digits, without allocating.
class IntText {
 public:
  explicit IntText(int64_t value)
      : size_(size_t(std::to_chars(digits_, digits_ + sizeof digits_, value).ptr - digits_)) {}
  std::string_view view() const { return {digits_, size_}; }

 private:
  char digits_[24];
  size_t size_;
};

void append_field(std::string& out, int tag, std::string_view value) {
  out.append(IntText(tag).view());
  out += '=';
  out.append(value);
  out += SOH;
}

}  // namespace

WireMessage::WireMessage(std::string_view msg_type) : msg_type_(msg_type) {
  values_.reserve(256);  // an ExecutionReport's values take about 150 bytes
  fields_.reserve(24);
}

std::vector<WireMessage::Field>::const_iterator WireMessage::position(int tag) const {
  return std::lower_bound(fields_.begin(), fields_.end(), tag,
                          [](const Field& x, int t) { return x.tag < t; });
}

void WireMessage::set(int tag, std::string_view value) {
  const Field f{tag, uint32_t(values_.size()), uint32_t(value.size())};
  values_.append(value);
  auto at = fields_.begin() + (position(tag) - fields_.cbegin());
  if (at != fields_.end() && at->tag == tag)
    *at = f;
  else
    fields_.insert(at, f);
}

void WireMessage::set(int tag, int64_t value) {
  set(tag, IntText(value).view());
}

std::optional<std::string_view> WireMessage::get(int tag) const {
  auto at = position(tag);
  if (at == fields_.end() || at->tag != tag) return std::nullopt;
  return std::string_view(values_).substr(at->offset, at->size);
}

FIX::Message WireMessage::to_message() const {
  FIX::Message m;
  m.getHeader().setField(FIX::MsgType(msg_type_));
  for (const Field& f : fields_) m.setField(f.tag, values_.substr(f.offset, f.size));
  return m;
}

void WireMessage::frame(const Header& header, std::string& out) const {
  // Everything BodyLength counts, from MsgType to the SOH before CheckSum, is written after
  // room for "8=...|9=nnnnnn|"; the two are then put right in front of it.
  const size_t room = header.begin_string.size() + 16;
  out.assign(room, ' ');
  append_field(out, FIX::FIELD::MsgType, msg_type_);
  append_field(out, FIX::FIELD::MsgSeqNum, IntText(header.msg_seq_num).view());
  append_field(out, FIX::FIELD::SenderCompID, header.sender_comp_id);
  out += "52=";
  append_utc_timestamp(out, header.sending_time, header.sending_time_digits);
  out += SOH;
  append_field(out, FIX::FIELD::TargetCompID, header.target_comp_id);
  const std::string_view values(values_);
  for (const Field& f : fields_) append_field(out, f.tag, values.substr(f.offset, f.size));

  char prefix[64];
  std::string_view p = header.begin_string;
  char* e = prefix;
  *e++ = '8';
  *e++ = '=';
  e = std::copy(p.begin(), p.end(), e);
  *e++ = SOH;
  *e++ = '9';
  *e++ = '=';
  e = std::to_chars(e, prefix + sizeof prefix, out.size() - room).ptr;
  *e++ = SOH;
  const size_t prefix_size = size_t(e - prefix);
  out.replace(0, room, prefix, prefix_size);  // moves the counted part left by room - prefix

  unsigned sum = 0;
  for (unsigned char c : out) sum += c;
  const unsigned checksum = sum % 256;
  const char text[3] = {char('0' + checksum / 100), char('0' + checksum / 10 % 10),
                        char('0' + checksum % 10)};
  append_field(out, FIX::FIELD::CheckSum, std::string_view(text, 3));
}

}  // namespace qd::fix
