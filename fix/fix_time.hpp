#pragma once
// FIX UTCTimestamp text <-> nanoseconds since the Unix epoch, exact (no double, no locale).

#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"

namespace qd::fix {

/// Parses "YYYYMMDD-HH:MM:SS" with an optional fraction of 1 to 9 digits. nullopt on anything
/// else (wrong length, a bad digit, month 13, second 61, ...). Leap second 60 is refused.
std::optional<TimestampNs> parse_utc_timestamp(std::string_view text);

/// "YYYYMMDD-HH:MM:SS" plus `digits` fraction digits (0, 3, 6 or 9), truncating, never rounding
/// up into the next second.
std::string format_utc_timestamp(TimestampNs ns, int digits);
/// The same, appended to `out` (no allocation when `out` has room).
void append_utc_timestamp(std::string& out, TimestampNs ns, int digits);

/// Wall-clock now in nanoseconds since the epoch (the gateway's clock; the engine has its own).
TimestampNs wall_clock_ns();

}  // namespace qd::fix
