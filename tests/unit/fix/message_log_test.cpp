#include "fix/message_log.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace qd::fix {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class MessageLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("qd-message-log-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    FIX::Dictionary d;
    d.setString(FIX::CONNECTION_TYPE, "acceptor");  // SessionSettings insists on one
    d.setString(FIX::FILE_LOG_PATH, (dir_ / "log").string());
    settings_.set(id_, d);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path messages() const { return dir_ / "log" / "FIX.4.4-VENUE-DESK_A.messages.current.log"; }
  fs::path events() const { return dir_ / "log" / "FIX.4.4-VENUE-DESK_A.event.current.log"; }

  fs::path dir_;
  FIX::SessionID id_{"FIX.4.4", "VENUE", "DESK_A"};
  FIX::SessionSettings settings_;
};

TEST_F(MessageLogTest, MessagesReachTheFileWithinTheFlushIntervalInQuickFixFormat) {
  BufferedFileLogFactory factory(settings_, std::chrono::milliseconds(20));
  BufferedFileLog* log = factory.create(id_);
  log->onIncoming(
      "8=FIX.4.4\x01"
      "35=D\x01");
  log->onOutgoing(
      "8=FIX.4.4\x01"
      "35=8\x01");
  // The flusher writes the buffered lines soon after (buffering itself: the next test).
  std::string text;
  for (int i = 0; i < 200 && text.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    text = read_file(messages());
  }
  std::istringstream lines(text);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  // "YYYYMMDD-HH:MM:SS.nnnnnnnnn : <message>"
  ASSERT_GE(first.size(), 30u);
  EXPECT_EQ(first.substr(8, 1), "-");
  EXPECT_EQ(first.substr(27, 3), " : ");
  EXPECT_EQ(first.substr(30),
            "8=FIX.4.4\x01"
            "35=D\x01");
  EXPECT_EQ(second.substr(30),
            "8=FIX.4.4\x01"
            "35=8\x01");
  factory.destroy(log);
}

TEST_F(MessageLogTest, EventsAreWrittenAtOnceAndDestroyWritesWhatIsBuffered) {
  BufferedFileLogFactory factory(settings_, std::chrono::hours(1));
  BufferedFileLog* log = factory.create(id_);
  log->onEvent("Accepting connection");
  EXPECT_NE(read_file(events()).find("Accepting connection"), std::string::npos);
  log->onOutgoing(
      "8=FIX.4.4\x01"
      "35=8\x01");
  EXPECT_EQ(read_file(messages()), "");
  factory.destroy(log);
  EXPECT_NE(read_file(messages()).find("35=8"), std::string::npos);
}

TEST_F(MessageLogTest, BackupKeepsTheOldFilesAndClearEmptiesTheCurrentOnes) {
  BufferedFileLogFactory factory(settings_, std::chrono::hours(1));
  BufferedFileLog* log = factory.create(id_);
  log->onOutgoing("first");
  log->backup();
  log->onOutgoing("second");
  log->flush();
  EXPECT_NE(read_file(dir_ / "log" / "FIX.4.4-VENUE-DESK_A.messages.backup.1.log").find("first"),
            std::string::npos);
  EXPECT_EQ(read_file(messages()).find("first"), std::string::npos);
  EXPECT_NE(read_file(messages()).find("second"), std::string::npos);
  log->clear();
  log->flush();
  EXPECT_EQ(read_file(messages()), "");
  factory.destroy(log);
}

}  // namespace
}  // namespace qd::fix
