#include "fix/fix_time.hpp"

#include <gtest/gtest.h>

namespace qd::fix {
namespace {

constexpr TimestampNs NS = 1'000'000'000;

TEST(FixTime, ParsesWholeSecondsAndFractions) {
  // 2024-02-29 12:34:56 UTC = 1709210096 s since the epoch (a leap day).
  EXPECT_EQ(parse_utc_timestamp("20240229-12:34:56"), 1709210096 * NS);
  EXPECT_EQ(parse_utc_timestamp("20240229-12:34:56.5"), 1709210096 * NS + 500'000'000);
  EXPECT_EQ(parse_utc_timestamp("20240229-12:34:56.123"), 1709210096 * NS + 123'000'000);
  EXPECT_EQ(parse_utc_timestamp("20240229-12:34:56.123456789"), 1709210096 * NS + 123'456'789);
  EXPECT_EQ(parse_utc_timestamp("19700101-00:00:00"), 0);
}

TEST(FixTime, RefusesMalformedText) {
  for (const char* bad : {"", "2024022912:34:56", "20240230-12:00:00", "20241301-00:00:00",
                          "20240101-24:00:00", "20240101-00:60:00", "20240101-00:00:60",
                          "20240101-00:00:00.", "20240101-00:00:00.1234567890",
                          "20240101-00:00:00.12a", "2024x101-00:00:00", "20240101-00:00:00Z"})
    EXPECT_FALSE(parse_utc_timestamp(bad)) << bad;
}

TEST(FixTime, FormatsWithTheRequestedPrecisionAndTruncates) {
  TimestampNs t = 1709210096 * NS + 123'456'789;
  EXPECT_EQ(format_utc_timestamp(t, 0), "20240229-12:34:56");
  EXPECT_EQ(format_utc_timestamp(t, 3), "20240229-12:34:56.123");
  EXPECT_EQ(format_utc_timestamp(t, 6), "20240229-12:34:56.123456");
  EXPECT_EQ(format_utc_timestamp(t, 9), "20240229-12:34:56.123456789");
  EXPECT_EQ(format_utc_timestamp(1709210096 * NS + 999'999'999, 3), "20240229-12:34:56.999");
}

TEST(FixTime, RoundTrips) {
  for (TimestampNs t : {TimestampNs(0), 1709210096 * NS + 1, 4102444799 * NS + 999'999'999}) {
    EXPECT_EQ(parse_utc_timestamp(format_utc_timestamp(t, 9)), t);
  }
}

}  // namespace
}  // namespace qd::fix
