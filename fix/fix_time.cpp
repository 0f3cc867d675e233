#include "fix/fix_time.hpp"

#include <chrono>

namespace qd::fix {

namespace {

constexpr int64_t NS_PER_S = 1'000'000'000;

bool digits_to_int(std::string_view s, int& out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

void append_padded(std::string& out, int64_t v, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = char('0' + v % 10);
    v /= 10;
  }
  out.append(buf, size_t(width));
}

}  // namespace

std::optional<TimestampNs> parse_utc_timestamp(std::string_view s) {
  if (s.size() < 17 || s[8] != '-' || s[11] != ':' || s[14] != ':') return std::nullopt;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits_to_int(s.substr(0, 4), y) || !digits_to_int(s.substr(4, 2), mo) ||
      !digits_to_int(s.substr(6, 2), d) || !digits_to_int(s.substr(9, 2), h) ||
      !digits_to_int(s.substr(12, 2), mi) || !digits_to_int(s.substr(15, 2), se))
    return std::nullopt;
  if (h > 23 || mi > 59 || se > 59) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  int64_t frac_ns = 0;
  if (s.size() > 17) {
    if (s[17] != '.') return std::nullopt;
    std::string_view frac = s.substr(18);
    if (frac.empty() || frac.size() > 9) return std::nullopt;
    int f = 0;
    if (!digits_to_int(frac, f)) return std::nullopt;
    frac_ns = f;
    for (size_t k = frac.size(); k < 9; ++k) frac_ns *= 10;
  }
  int64_t days = sys_days{ymd}.time_since_epoch().count();
  return ((days * 24 + h) * 60 + mi) * 60 * NS_PER_S + int64_t(se) * NS_PER_S + frac_ns;
}

std::string format_utc_timestamp(TimestampNs ns, int digits) {
  std::string out;
  out.reserve(27);
  append_utc_timestamp(out, ns, digits);
  return out;
}

void append_utc_timestamp(std::string& out, TimestampNs ns, int digits) {
  using namespace std::chrono;
  int64_t secs = ns / NS_PER_S;
  int64_t sub = ns % NS_PER_S;
  if (sub < 0) {
    sub += NS_PER_S;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  append_padded(out, int(ymd.year()), 4);
  append_padded(out, unsigned(ymd.month()), 2);
  append_padded(out, unsigned(ymd.day()), 2);
  out += '-';
  append_padded(out, sod / 3600, 2);
  out += ':';
  append_padded(out, sod / 60 % 60, 2);
  out += ':';
  append_padded(out, sod % 60, 2);
  if (digits == 3 || digits == 6 || digits == 9) {
    out += '.';
    int64_t v = sub;
    for (int k = digits; k < 9; ++k) v /= 10;
    append_padded(out, v, digits);
  }
}

TimestampNs wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace qd::fix
