// The admin channel's and the metrics' building blocks, on real sockets and real SQLite files.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "app/admin/audit_log.hpp"
#include "app/admin/log_fields.hpp"
#include "app/admin/unix_socket.hpp"
#include "app/metrics/atomic_histogram.hpp"
#include "app/metrics/metric_labels.hpp"

namespace qd::admin {
namespace {

std::string temp_dir() {
  std::string t = "/tmp/qdadm-XXXXXX";
  if (!mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
  return t;
}

struct TempDir {
  std::string path = temp_dir();
  ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(LogFields, PlainValuesStayBareOthersAreQuotedAndEscaped) {
  EXPECT_EQ(kv("BTC-PERP"), "BTC-PERP");
  EXPECT_EQ(kv(""), "\"\"");
  EXPECT_EQ(kv("open -> halted"), "\"open -> halted\"");
  EXPECT_EQ(kv("a=b"), "\"a=b\"");
  EXPECT_EQ(kv("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(kv("two\nlines"), "\"two\\nlines\"");
}

TEST(RedactSecrets, RemovesEveryValueWhoseKeyNamesASecretAtAnyDepth) {
  const nlohmann::json in = {{"symbol", "BTC-PERP"},
                             {"password", "hunter2"},
                             {"nested", {{"api_token", "t0k"}, {"depth", 3}}},
                             {"list", {{{"PrivateKey", "k"}}, "plain"}}};
  const nlohmann::json out = redact_secrets(in);
  EXPECT_EQ(out["symbol"], "BTC-PERP");
  EXPECT_EQ(out["password"], "[redacted]");
  EXPECT_EQ(out["nested"]["api_token"], "[redacted]");
  EXPECT_EQ(out["nested"]["depth"], 3);
  EXPECT_EQ(out["list"][0]["PrivateKey"], "[redacted]");
  EXPECT_EQ(out["list"][1], "plain");
  EXPECT_EQ(out.dump().find("hunter2"), std::string::npos);
}

TEST(UtcText, FormatsMillisecondsInUtc) {
  EXPECT_EQ(utc_text(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(utc_text(1'700'000'000'123'456'789), "2023-11-14T22:13:20.123Z");
}

TEST(AuditLog, AppendsRowsInAnOwnerOnlyWalFile) {
  TempDir d;
  const std::string path = d.path + "/sub/audit.db";
  {
    AuditLog log(path);
    AuditRecord r;
    r.origin = {"socket", PeerCredentials{4242, 1000, 1000}};
    r.command = "market.halt";
    r.args = {{"symbol", "BTC-PERP"}, {"password", "never-stored"}};
    r.outcome = "ok";
    r.detail = "BTC-PERP open -> halted";
    log.record(r);
    r.origin = {"signal", std::nullopt};
    r.command = "reload";
    r.args = nlohmann::json::object();
    log.record(r);
  }
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT channel, peer_uid, peer_pid, command, args, outcome "
                               "FROM admin_audit ORDER BY id",
                               -1, &s, nullptr),
            SQLITE_OK);
  auto text = [&](int c) {
    const auto* t = sqlite3_column_text(s, c);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string("NULL");
  };
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(text(0), "socket");
  EXPECT_EQ(text(1), "1000");
  EXPECT_EQ(text(2), "4242");
  EXPECT_EQ(text(3), "market.halt");
  EXPECT_EQ(text(4), R"({"password":"[redacted]","symbol":"BTC-PERP"})");
  EXPECT_EQ(text(5), "ok");
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(text(0), "signal");
  EXPECT_EQ(text(1), "NULL");
  EXPECT_EQ(sqlite3_step(s), SQLITE_DONE);
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST(UnixListener, BindsOwnerOnlyAndReportsThePeer) {
  TempDir d;
  const std::string path = d.path + "/a.sock";
  {
    UnixListener l(path);
    struct stat st {};
    ASSERT_EQ(::lstat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_FALSE(l.removed_stale());
    std::string error;
    const int c = connect_unix_socket(path, error);
    ASSERT_GE(c, 0) << error;
    const int s = ::accept(l.fd(), nullptr, nullptr);
    ASSERT_GE(s, 0);
    const auto peer = peer_credentials(s);
    ASSERT_TRUE(peer);
    EXPECT_EQ(peer->pid, ::getpid());
    EXPECT_EQ(peer->uid, ::getuid());
    ASSERT_TRUE(write_all(c, "{\"a\":1}\nrest"));
    std::string buffer, line;
    ASSERT_TRUE(read_line(s, buffer, line, 1024, std::chrono::seconds(5)));
    EXPECT_EQ(line, "{\"a\":1}");
    EXPECT_EQ(buffer, "rest");
    ::close(c);
    ::close(s);
    // Only a private directory was used; nothing else is left beside the socket.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(d.path), {}), 1);
  }
  EXPECT_FALSE(std::filesystem::exists(path)) << "removed on destruction";
}

TEST(UnixListener, RefusesAFileAndALiveSocketReplacesAStaleOne) {
  TempDir d;
  const std::string file = d.path + "/file.sock";
  std::ofstream(file) << "data";
  EXPECT_THROW(UnixListener{file}, std::runtime_error);
  EXPECT_TRUE(std::filesystem::exists(file));

  const std::string path = d.path + "/b.sock";
  {
    UnixListener live(path);
    EXPECT_THROW(UnixListener{path}, std::runtime_error);
    ASSERT_EQ(::link(path.c_str(), (d.path + "/kept").c_str()), 0);
  }
  ASSERT_EQ(::rename((d.path + "/kept").c_str(), path.c_str()), 0);  // stale now
  UnixListener again(path);
  EXPECT_TRUE(again.removed_stale());
  EXPECT_THROW(UnixListener{d.path + "/" + std::string(120, 'x')}, std::runtime_error);
}

TEST(ReadLine, FailsOnOversizeAndTimeout) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  std::string buffer, line;
  EXPECT_FALSE(read_line(fds[0], buffer, line, 16, std::chrono::milliseconds(50)));
  ASSERT_TRUE(write_all(fds[1], std::string(64, 'x') + "\n"));
  buffer.clear();
  EXPECT_FALSE(read_line(fds[0], buffer, line, 16, std::chrono::seconds(1)));
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace qd::admin

namespace qd::metrics {
namespace {

TEST(MetricLabels, EveryReasonAndCommandKindHasAName) {
  for (RejectReason r : known_reject_reasons()) {
    EXPECT_NE(reject_label(r).rfind("code_", 0), 0u) << "name RejectReason " << unsigned(r);
  }
  for (CancelReason r : known_cancel_reasons()) {
    EXPECT_NE(cancel_label(r).rfind("code_", 0), 0u) << "name CancelReason " << unsigned(r);
  }
  const auto kinds = []<size_t... I>(std::index_sequence<I...>) {
    return std::vector<std::string_view>{command_label(CommandBody(std::in_place_index<I>))...};
  }
  (std::make_index_sequence<std::variant_size_v<CommandBody>>());
  for (size_t i = 0; i < kinds.size(); ++i) EXPECT_NE(kinds[i], "other") << "command kind " << i;
  EXPECT_EQ(reject_label(RejectReason::market_halted), "market_halted");
  EXPECT_EQ(reject_label(static_cast<RejectReason>(999)), "code_999");
  EXPECT_GE(known_reject_reasons().size(), 40u);
}

TEST(AtomicHistogram, CollectsCumulativeBucketsInSeconds) {
  AtomicHistogram h;
  h.observe_ns(5'000);          // <= 10 us
  h.observe_ns(10'000);         // on the bound: still the 10 us bucket
  h.observe_ns(3'000'000);      // <= 5 ms
  h.observe_ns(-1);             // a clock step back counts as 0
  h.observe_ns(9'000'000'000);  // beyond 2.5 s: +Inf only
  const auto f = h.collect("x_seconds", "help");
  ASSERT_EQ(f.metric.size(), 1u);
  const auto& b = f.metric[0].histogram.bucket;
  ASSERT_EQ(b.size(), AtomicHistogram::kBoundsNs.size() + 1);
  EXPECT_DOUBLE_EQ(b[0].upper_bound, 1e-5);
  EXPECT_EQ(b[0].cumulative_count, 3u);
  EXPECT_EQ(b[7].cumulative_count, 3u);  // <= 2.5 ms
  EXPECT_EQ(b[8].cumulative_count, 4u);  // <= 5 ms
  EXPECT_EQ(b[b.size() - 2].cumulative_count, 4u);
  EXPECT_TRUE(std::isinf(b.back().upper_bound));
  EXPECT_EQ(b.back().cumulative_count, 5u);
  EXPECT_EQ(f.metric[0].histogram.sample_count, 5u);
  EXPECT_NEAR(f.metric[0].histogram.sample_sum, 9.003015, 1e-9);
}

}  // namespace
}  // namespace qd::metrics
