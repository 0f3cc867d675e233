#include "fix/append_file_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace qd::fix {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void append_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out << text;
}

std::string message(int seq) {
  return "8=FIX.4.4\x01"
         "9=20\x01"
         "35=8\x01"
         "34=" +
         std::to_string(seq) +
         "\x01"
         "10=000\x01";
}

std::vector<std::string> all(const FIX::MessageStore& s, int begin = 1, int end = 1000) {
  std::vector<std::string> out;
  s.get(begin, end, out);
  return out;
}

class AppendFileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("qd-append-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path file(const std::string& suffix) const {
    return AppendFileStore::file_prefix(dir_.string(), id_) + suffix;
  }

  fs::path dir_;
  FIX::SessionID id_{"FIX.4.4", "QUANTDESK", "DESK_A"};
};

TEST_F(AppendFileStoreTest, WhatItWritesQuickFixFileStoreReadsBack) {
  FIX::UtcTimeStamp created;
  {
    AppendFileStore store(dir_.string(), id_);
    created = store.getCreationTime();
    for (int seq = 1; seq <= 5; ++seq) {
      ASSERT_TRUE(store.set(seq, message(seq)));
      store.incrNextSenderMsgSeqNum();
    }
    store.setNextTargetMsgSeqNum(42);
  }
  EXPECT_EQ(read_file(file(".seqnums")), "0000000006 : 0000000042");
  FIX::FileStore theirs(dir_.string(), id_);
  EXPECT_EQ(theirs.getNextSenderMsgSeqNum(), 6);
  EXPECT_EQ(theirs.getNextTargetMsgSeqNum(), 42);
  EXPECT_EQ(theirs.getCreationTime().getTimeT(), created.getTimeT());
  std::vector<std::string> expected;
  for (int seq = 1; seq <= 5; ++seq) expected.push_back(message(seq));
  EXPECT_EQ(all(theirs), expected);
  std::vector<std::string> middle;
  theirs.get(2, 3, middle);
  EXPECT_EQ(middle, (std::vector<std::string>{message(2), message(3)}));
}

TEST_F(AppendFileStoreTest, ReadsAndContinuesWhatQuickFixFileStoreWrote) {
  {
    FIX::FileStore theirs(dir_.string(), id_);
    theirs.set(1, message(1));
    theirs.set(2, message(2));
    theirs.setNextSenderMsgSeqNum(3);
    theirs.setNextTargetMsgSeqNum(7);
  }
  {
    AppendFileStore store(dir_.string(), id_);
    EXPECT_EQ(store.getNextSenderMsgSeqNum(), 3);
    EXPECT_EQ(store.getNextTargetMsgSeqNum(), 7);
    EXPECT_EQ(all(store), (std::vector<std::string>{message(1), message(2)}));
    store.set(3, message(3) + "longer");
    store.incrNextSenderMsgSeqNum();
  }
  AppendFileStore again(dir_.string(), id_);
  EXPECT_EQ(again.getNextSenderMsgSeqNum(), 4);
  EXPECT_EQ(all(again), (std::vector<std::string>{message(1), message(2), message(3) + "longer"}));
  FIX::FileStore theirs(dir_.string(), id_);
  EXPECT_EQ(all(theirs), all(again));
}

TEST_F(AppendFileStoreTest, AnIndexEntryCutShortByACrashIsCutOffAndLaterEntriesStayReadable) {
  {
    AppendFileStore store(dir_.string(), id_);
    store.set(1, message(1));
    store.set(2, message(2));
  }
  // As if the process died inside the header write of message 3 (its body is written first).
  append_file(file(".body"), message(3));
  append_file(file(".header"), "3,1");
  {
    AppendFileStore store(dir_.string(), id_);
    EXPECT_EQ(all(store), (std::vector<std::string>{message(1), message(2)}));
    store.set(3, message(3));
    store.set(4, message(4));
  }
  AppendFileStore store(dir_.string(), id_);
  EXPECT_EQ(all(store), (std::vector<std::string>{message(1), message(2), message(3), message(4)}));
  FIX::FileStore theirs(dir_.string(), id_);
  EXPECT_EQ(all(theirs), all(store));
}

TEST_F(AppendFileStoreTest, IndexEntriesPastTheEndOfTheBodyAreDropped) {
  {
    AppendFileStore store(dir_.string(), id_);
    store.set(1, message(1));
    store.set(2, message(2));
  }
  fs::resize_file(file(".body"), message(1).size() + 3);  // message 2 lost with the page cache
  AppendFileStore store(dir_.string(), id_);
  EXPECT_EQ(all(store), (std::vector<std::string>{message(1)}));
  store.set(3, message(3));
  std::vector<std::string> three;
  store.get(3, 3, three);
  EXPECT_EQ(three, (std::vector<std::string>{message(3)}));
}

TEST_F(AppendFileStoreTest, GetReturnsTheStoredMessagesOfTheRangeInOrderSkippingGaps) {
  AppendFileStore store(dir_.string(), id_);
  for (int seq : {1, 2, 5, 6, 9}) store.set(seq, message(seq));
  std::vector<std::string> out{"stale"};
  store.get(2, 6, out);
  EXPECT_EQ(out, (std::vector<std::string>{message(2), message(5), message(6)}));
  store.get(3, 4, out);
  EXPECT_TRUE(out.empty());
}

TEST_F(AppendFileStoreTest, ResetErasesMessagesAndSequenceNumbersAndRenewsTheCreationTime) {
  AppendFileStore store(dir_.string(), id_);
  store.set(1, message(1));
  store.setNextSenderMsgSeqNum(2);
  store.setNextTargetMsgSeqNum(9);
  const FIX::UtcTimeStamp before = store.getCreationTime();
  ::usleep(1'100'000);  // the session file keeps whole seconds
  store.reset();
  EXPECT_EQ(store.getNextSenderMsgSeqNum(), 1);
  EXPECT_EQ(store.getNextTargetMsgSeqNum(), 1);
  EXPECT_TRUE(all(store).empty());
  EXPECT_GT(store.getCreationTime().getTimeT(), before.getTimeT());
  EXPECT_EQ(read_file(file(".body")), "");
  EXPECT_EQ(read_file(file(".header")), "");
  EXPECT_EQ(read_file(file(".seqnums")), "0000000001 : 0000000001");
  FIX::FileStore theirs(dir_.string(), id_);
  EXPECT_EQ(theirs.getCreationTime().getTimeT(), store.getCreationTime().getTimeT());
}

TEST_F(AppendFileStoreTest, RefreshRereadsTheFiles) {
  AppendFileStore store(dir_.string(), id_);
  store.set(1, message(1));
  {
    FIX::FileStore other(dir_.string(), id_);
    other.set(2, message(2));
    other.setNextSenderMsgSeqNum(3);
  }
  store.refresh();
  EXPECT_EQ(store.getNextSenderMsgSeqNum(), 3);
  EXPECT_EQ(all(store), (std::vector<std::string>{message(1), message(2)}));
}

TEST_F(AppendFileStoreTest, UnreadableSequenceNumbersStartAgainAtOneAndAreRewritten) {
  { AppendFileStore store(dir_.string(), id_); }
  std::ofstream(file(".seqnums"), std::ios::trunc) << "garbage";
  AppendFileStore store(dir_.string(), id_);
  EXPECT_EQ(store.getNextSenderMsgSeqNum(), 1);
  EXPECT_EQ(store.getNextTargetMsgSeqNum(), 1);
  EXPECT_EQ(read_file(file(".seqnums")), "0000000001 : 0000000001");
}

TEST_F(AppendFileStoreTest, AStoreThatCannotOpenItsFilesIsAConfigErrorNamingThePath) {
  fs::create_directories(dir_);
  fs::create_directories(file(".body"));  // a directory where the body file belongs
  try {
    AppendFileStore store(dir_.string(), id_);
    FAIL() << "opened";
  } catch (const FIX::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(file(".body").string()), std::string::npos) << e.what();
  }
}

TEST_F(AppendFileStoreTest, ABatchsMessagesReachTheFilesWhenItEnds) {
  AppendFileStore store(dir_.string(), id_);
  {
    OutboundBatch batch;
    for (int seq = 1; seq <= 3; ++seq) {
      ASSERT_TRUE(store.set(seq, message(seq)));
      store.incrNextSenderMsgSeqNum();
    }
    EXPECT_EQ(read_file(file(".body")), "");
    EXPECT_EQ(read_file(file(".header")), "");
    EXPECT_EQ(read_file(file(".seqnums")), "0000000001 : 0000000001");
  }
  EXPECT_EQ(read_file(file(".seqnums")), "0000000004 : 0000000001");
  FIX::FileStore theirs(dir_.string(), id_);
  EXPECT_EQ(all(theirs), (std::vector<std::string>{message(1), message(2), message(3)}));
  EXPECT_EQ(all(store), all(theirs));
}

TEST_F(AppendFileStoreTest, AResendInsideABatchReadsItsHeldBackMessages) {
  AppendFileStore store(dir_.string(), id_);
  OutboundBatch batch;
  store.set(1, message(1));
  store.set(2, message(2));
  EXPECT_EQ(all(store), (std::vector<std::string>{message(1), message(2)}));
  store.set(3, message(3));  // held back again after the read
  EXPECT_EQ(all(store, 3, 3), std::vector<std::string>{message(3)});
}

TEST_F(AppendFileStoreTest, AWriteFromAnotherThreadGoesBehindWhatABatchHeldBack) {
  AppendFileStore store(dir_.string(), id_);
  {
    OutboundBatch batch;
    store.set(1, message(1));
    store.set(2, message(2));
    store.incrNextSenderMsgSeqNum();
    store.incrNextSenderMsgSeqNum();
    // A heartbeat from the connection's thread, which has no batch.
    std::thread([&] {
      store.set(3, message(3));
      store.incrNextSenderMsgSeqNum();
    }).join();
    FIX::FileStore theirs(dir_.string(), id_);
    EXPECT_EQ(all(theirs), (std::vector<std::string>{message(1), message(2), message(3)}));
    EXPECT_EQ(theirs.getNextSenderMsgSeqNum(), 4);
  }
  FIX::FileStore after(dir_.string(), id_);  // the batch's end wrote nothing twice
  EXPECT_EQ(all(after), (std::vector<std::string>{message(1), message(2), message(3)}));
}

TEST_F(AppendFileStoreTest, AResetDropsWhatABatchHeldBack) {
  AppendFileStore store(dir_.string(), id_);
  {
    OutboundBatch batch;
    store.set(1, message(1));
    store.reset();
    store.set(1, message(7));
  }
  EXPECT_EQ(all(FIX::FileStore(dir_.string(), id_)), std::vector<std::string>{message(7)});
}

}  // namespace
}  // namespace qd::fix
