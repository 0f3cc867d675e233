#include "fix/outbound_batch.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "fix/socket_connection.hpp"

namespace qd::fix {
namespace {

// A connection over one end of a socket pair; the test reads the other end as the desk would.
class SocketConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    desk_ = fds[1];
    connection_ = std::make_shared<SocketConnection>(fds[0], std::set<FIX::SessionID>{}, log_);
  }
  void TearDown() override { ::close(desk_); }

  // Everything the desk can read within `wait_ms` (nothing when nothing arrives).
  std::string desk_reads(int wait_ms) {
    std::string out;
    char buf[4096];
    pollfd p{desk_, POLLIN, 0};
    while (::poll(&p, 1, wait_ms) > 0) {
      const ssize_t n = ::recv(desk_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, size_t(n));
      wait_ms = 0;
    }
    return out;
  }

  FIX::NullLog log_;
  int desk_ = -1;
  std::shared_ptr<SocketConnection> connection_;
};

TEST_F(SocketConnectionTest, WithoutABatchEachMessageIsWrittenAtOnce) {
  EXPECT_TRUE(connection_->send("one|"));
  EXPECT_EQ(desk_reads(1000), "one|");
}

TEST_F(SocketConnectionTest, ABatchWritesItsFirstMessageAtOnceAndTheRestTogetherWhenItEnds) {
  {
    OutboundBatch batch;
    EXPECT_TRUE(connection_->send("one|"));
    EXPECT_EQ(desk_reads(1000), "one|");
    EXPECT_TRUE(connection_->send("two|"));
    EXPECT_TRUE(connection_->send("three|"));
    EXPECT_EQ(desk_reads(100), "");
  }
  EXPECT_EQ(desk_reads(1000), "two|three|");
}

TEST_F(SocketConnectionTest, ASendFromAnotherThreadWritesWhatABatchHeldBackFirst) {
  {
    OutboundBatch batch;
    connection_->send("one|");
    connection_->send("two|");
    connection_->send("three|");
    std::thread([&] { connection_->send("heartbeat|"); }).join();
    EXPECT_EQ(desk_reads(1000), "one|two|three|heartbeat|");
  }
  EXPECT_EQ(desk_reads(100), "");  // nothing written twice
}

TEST_F(SocketConnectionTest, ABatchHoldsBackAtMost64KiB) {
  // Beyond that the writer blocks on a desk that does not read, as without batches, so the
  // queues in front of it (market data conflation) see the backlog.
  OutboundBatch batch;
  const std::string message(1000, 'm');
  for (int i = 0; i < 70; ++i) connection_->send(message);
  EXPECT_GE(desk_reads(1000).size(), 64u * 1024);
}

TEST_F(SocketConnectionTest, DisconnectWritesWhatIsHeldBackThenCloses) {
  OutboundBatch batch;
  connection_->send("logout|");
  connection_->disconnect();
  EXPECT_EQ(desk_reads(1000), "logout|");
  char c;
  EXPECT_EQ(::recv(desk_, &c, 1, 0), 0);  // closed
  EXPECT_FALSE(connection_->send("late|"));
}

// Records the order in which a batch writes its writers.
class RecordingWriter : public DeferredWriter {
 public:
  RecordingWriter(std::string name, std::vector<std::string>& order)
      : name_(std::move(name)), order_(order) {}
  void write_deferred() override { order_.push_back(name_); }

 private:
  std::string name_;
  std::vector<std::string>& order_;
};

TEST(OutboundBatch, StoresAreWrittenBeforeConnectionsWhateverTheOrderTheyCameIn) {
  std::vector<std::string> order;
  auto connection = std::make_shared<RecordingWriter>("connection", order);
  RecordingWriter store("store", order);
  {
    OutboundBatch batch;
    EXPECT_EQ(OutboundBatch::current(), &batch);
    EXPECT_TRUE(batch.enlist_connection(connection));
    batch.enlist_store(&store);
    EXPECT_FALSE(batch.enlist_connection(connection));  // once is enough
    batch.enlist_store(&store);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"store", "connection"}));
  EXPECT_EQ(OutboundBatch::current(), nullptr);
}

TEST(OutboundBatch, IsTheOpeningThreadsOnly) {
  OutboundBatch batch;
  OutboundBatch* seen = &batch;
  std::thread([&] { seen = OutboundBatch::current(); }).join();
  EXPECT_EQ(seen, nullptr);
}

}  // namespace
}  // namespace qd::fix
