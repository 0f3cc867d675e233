#pragma once
// Log lines are one event each, as key=value fields: `event=admin_command command=market.halt
// outcome=ok detail="BTC-PERP open -> halted"`. Values with spaces, quotes, '=' or control
// characters are double-quoted with C-style escapes, so a line always splits unambiguously.

#include <string>
#include <string_view>

namespace qd::admin {

inline std::string kv(std::string_view v) {
  bool plain = !v.empty();
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      plain = false;
    }
  }
  if (plain) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace qd::admin
