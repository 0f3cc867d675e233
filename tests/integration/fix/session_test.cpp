// Session-level behaviour of the gateway against real QuickFIX initiators and raw sockets:
// logon and authentication, unknown CompIDs, roles, throttle, the ResetSeqNumFlag fence, the
// absent HTTP port, garbage and oversized input, TLS.
#include <gtest/gtest.h>

#include <dirent.h>

#include <fstream>
#include <set>
#include <sstream>

#include "fix/venue_tags.hpp"
#include "tests/integration/fix/fix_harness.hpp"

namespace qd::fix::test {
namespace {

std::string read_dir_files(const std::string& dir) {
  std::string all;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  return all;
}

TEST(FixSession, LogonWithPasswordSucceeds) {
  VenueHarness v;
  auto a = v.connect("DESK_A");
  // The venue marks the session logged on right after sending its Logon reply.
  for (int i = 0; i < 200 && !v.gateway().is_logged_on("DESK_A"); ++i)
    std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(v.gateway().is_logged_on("DESK_A"));
  EXPECT_FALSE(v.gateway().is_logged_on("DESK_B"));
  a->stop(true);
}

TEST(FixSession, WrongOrMissingPasswordGetsLogoutWithReasonAndNoSecretInLogs) {
  VenueHarness v;
  InitiatorOptions o = v.options("DESK_A");
  o.password = "not-the-password-xyz";
  auto bad = v.connect(o, false);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (bad->last_logout_text().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(bad->last_logout_text(), "Rejected Logon Attempt: invalid username or password");
  EXPECT_EQ(bad->logons(), 0);
  EXPECT_FALSE(v.gateway().is_logged_on("DESK_A"));
  bad->stop(true);

  o.password.clear();
  auto missing = v.connect(o, false);
  deadline = std::chrono::steady_clock::now() + 5s;
  while (missing->last_logout_text().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(missing->last_logout_text(), "Rejected Logon Attempt: Password (554) required");
  missing->stop(true);
  EXPECT_GE(v.gateway().stats().logons_refused, 2u);

  // The attempt is in the session log, the password is not.
  std::string logs = read_dir_files(v.dir() + "/fix/log");
  EXPECT_NE(logs.find("554=***"), std::string::npos);
  EXPECT_EQ(logs.find("not-the-password-xyz"), std::string::npos);

  // The right password still works afterwards.
  auto good = v.connect("DESK_A");
  EXPECT_TRUE(good->logged_on());
  good->stop(true);
}

TEST(FixSession, UnknownCompIdIsRefused) {
  VenueHarness v;
  InitiatorOptions o = v.options("DESK_A");
  o.sender_comp_id = "NOBODY";
  o.username = "NOBODY";
  InitiatorOptions wrong_target = v.options("DESK_A");
  wrong_target.target_comp_id = "OTHERVENUE";
  auto i = v.connect(o, false);
  auto j = v.connect(wrong_target, false);
  EXPECT_FALSE(i->wait_logged_on(2s));
  EXPECT_FALSE(j->wait_logged_on(1ms));
  stop_all({i.get(), j.get()});
  EXPECT_FALSE(v.gateway().is_logged_on("DESK_A"));
}

TEST(FixSession, Ed25519SignedLogon) {
  VenueHarness v;
  // Refused attempts consume no sequence number, so each new initiator starts at 1.
  InitiatorOptions unsigned_logon = v.options("DESK_SIG");
  unsigned_logon.ed25519_secret_key.reset();
  auto u = v.connect(unsigned_logon, false);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (u->last_logout_text().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(u->last_logout_text(), "Rejected Logon Attempt: signature required in RawData (96)");
  u->stop(true);

  InitiatorOptions other_key = v.options("DESK_SIG");
  other_key.ed25519_secret_key = make_keys().secret_key;
  auto w = v.connect(other_key, false);
  deadline = std::chrono::steady_clock::now() + 5s;
  while (w->last_logout_text().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(w->last_logout_text(), "Rejected Logon Attempt: invalid Ed25519 signature");
  EXPECT_EQ(w->logons(), 0);
  w->stop(true);

  auto ok = v.connect("DESK_SIG");
  EXPECT_TRUE(ok->logged_on());
  ok->stop(true);
}

TEST(FixSession, DropCopySessionCannotTrade) {
  VenueHarness v;
  auto dc = v.connect("COMPLIANCE");
  FIX::Message d = limit("dc1", '1', "1", "50000");
  d.setField(1, "DESK-A");
  ASSERT_TRUE(dc->send(d));
  auto j = dc->wait_for(type_is("j"), 5s);
  ASSERT_TRUE(j);
  EXPECT_EQ(field(*j, 380), "6");
  EXPECT_EQ(field(*j, 372), "D");
  EXPECT_EQ(field(*j, 379), "dc1");
  EXPECT_EQ(field(*j, 58), "MsgType D not permitted on a drop_copy session");
  EXPECT_EQ(v.gateway().stats().commands_submitted, 0u);
  dc->stop(true);
}

TEST(FixSession, ThrottleRejectsWithQuotaThenLogsOutRepeatOffenders) {
  VenueHarness v;
  auto t = v.connect("DESK_T");  // 5 messages/s, burst 5, Logout after 8 breaches in 10 s
  for (int i = 0; i < 13; ++i) {
    FIX::Message d = limit("t" + std::to_string(i), '1', "0.001", "49000");
    t->send(d);
  }
  int acks = 0, throttled = 0;
  std::string text, remaining, refill;
  for (int i = 0; i < 13; ++i) {
    auto m = t->wait_for(type_is("8"), 5s);
    ASSERT_TRUE(m) << "report " << i;
    if (field(*m, 150) == "0") ++acks;
    if (field(*m, 150) == "8" && field(*m, 20003) == "100") {
      ++throttled;
      text = field(*m, 58);
      remaining = field(*m, tag::ThrottleRemaining);
      refill = field(*m, tag::ThrottleRefillMs);
    }
  }
  EXPECT_EQ(acks, 5);
  EXPECT_EQ(throttled, 8);
  EXPECT_NE(text.find("throttle limit exceeded: 0 of 5 messages left, next allowed in"),
            std::string::npos)
      << text;
  EXPECT_EQ(remaining, "0");
  EXPECT_GT(std::stoi(refill), 0);
  EXPECT_LE(std::stoi(refill), 200);
  // The eighth breach within the window logs the session out, with the reason, after the
  // rejects that explain it.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (t->last_logout_text().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(t->last_logout_text(), "throttle: 8 messages over the limit within 10 s");
  EXPECT_EQ(v.gateway().stats().throttled, 8u);
  // The session is not locked out: the initiator logs on again by itself and trades.
  deadline = std::chrono::steady_clock::now() + 10s;
  while (t->logons() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(t->logons(), 2);
  EXPECT_TRUE(t->wait_logged_on(5s));
  std::this_thread::sleep_for(1200ms);  // bucket refilled
  FIX::Message d = limit("t-after", '1', "0.001", "49000");
  t->send(d);
  EXPECT_TRUE(t->wait_for(er("t-after", '0'), 5s));
  t->stop(true);
}

/// Next sequence numbers of the venue's side of a session.
std::pair<int, int> venue_seqnums(const std::string& sender) {
  FIX::Session* s = FIX::Session::lookupSession(FIX::SessionID("FIX.4.4", "QUANTDESK", sender));
  if (!s) return {0, 0};
  return {s->getExpectedSenderNum(), s->getExpectedTargetNum()};
}

TEST(FixSession, ResetSeqNumFlagCannotResetAnUnauthenticatedSession) {
  VenueHarness v;
  std::string store = v.dir() + "/desk-store";
  InitiatorOptions desk = v.options("DESK_A");
  desk.store_path = store;
  {
    auto a = v.connect(desk);
    for (int i = 0; i < 3; ++i) {
      FIX::Message d = limit("r" + std::to_string(i), '1', "0.001", "49000");
      a->send(d);
      ASSERT_TRUE(a->wait_for(er("r" + std::to_string(i), '0'), 5s));
    }
    a->stop(false);  // clean Logout: both sides keep their numbers
  }
  auto [sender_before, target_before] = venue_seqnums("DESK_A");
  ASSERT_GT(sender_before, 4);
  std::vector<std::string> stored_before;
  FIX::Session::lookupSession(FIX::SessionID("FIX.4.4", "QUANTDESK", "DESK_A"))
      ->getStore()
      ->get(1, sender_before, stored_before);
  ASSERT_FALSE(stored_before.empty());

  // Someone with the CompIDs but not the password asks for a reset.
  InitiatorOptions attacker = v.options("DESK_A");
  attacker.password = "guess";
  attacker.reset_on_logon = true;
  auto x = v.connect(attacker, false);
  EXPECT_FALSE(x->wait_logged_on(2s));
  x->stop(true);
  std::this_thread::sleep_for(200ms);
  EXPECT_GE(v.gateway().stats().resets_refused, 1u);
  auto [sender_after, target_after] = venue_seqnums("DESK_A");
  EXPECT_GE(sender_after, sender_before);  // nothing reset (a Logout reply may have been added)
  EXPECT_EQ(target_after, target_before);
  std::vector<std::string> stored_after;
  FIX::Session::lookupSession(FIX::SessionID("FIX.4.4", "QUANTDESK", "DESK_A"))
      ->getStore()
      ->get(1, sender_before - 1, stored_after);
  EXPECT_EQ(stored_after, stored_before);

  // The desk continues its sequence as if nothing happened.
  {
    auto a = v.connect(desk);
    FIX::Message d = limit("r-next", '1', "0.001", "49000");
    a->send(d);
    EXPECT_TRUE(a->wait_for(er("r-next", '0'), 5s));
    a->stop(true);
  }
  // With the password, ResetSeqNumFlag resets as FIX specifies.
  std::this_thread::sleep_for(100ms);
  InitiatorOptions reset = v.options("DESK_A");
  reset.reset_on_logon = true;
  auto r = v.connect(reset);
  EXPECT_EQ(venue_seqnums("DESK_A").first, 2);  // our Logon reply was number 1
  r->stop(true);
}

/// Listening TCP ports of this process, from /proc.
std::set<int> own_listening_ports() {
  std::set<std::string> inodes;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    std::string target = std::filesystem::read_symlink(e.path(), ec).string();
    if (target.rfind("socket:[", 0) == 0) inodes.insert(target.substr(8, target.size() - 9));
  }
  std::set<int> ports;
  for (const char* file : {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream ss(line);
      std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
      ss >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
      if (state != "0A" || !inodes.count(inode)) continue;  // 0A = LISTEN
      ports.insert(std::stoi(local.substr(local.find(':') + 1), nullptr, 16));
    }
  }
  return ports;
}

TEST(FixSession, OnlyTheFixPortListensNeverAnHttpAdminPort) {
  VenueHarness v;
  EXPECT_EQ(own_listening_ports(), std::set<int>{v.port()});
}

TEST(FixSession, GarbageAndOversizedInputNeverKillTheVenue) {
  VenueHarness v;
  {
    RawConnection c(v.port());
    std::string junk;
    for (int i = 0; i < 20000; ++i) junk += char((i * 7919) % 256);
    c.send(junk);
    c.send(soh("8=FIX.4.4|9=5|35=A|10=000|"));    // wrong length and checksum
    c.send(soh("8=FIX.4.4|9=abc|35=A|10=000|"));  // unreadable length
    c.read_for(300ms);
  }
  {
    // A BodyLength far beyond what follows, then the peer goes away.
    RawConnection c(v.port());
    c.send(soh("8=FIX.4.4|9=99999999|35=D|") + std::string(1 << 20, 'x'));
    c.read_for(200ms);
  }
  {
    // A well-framed Logon for an unknown session: the connection is closed, nothing answered.
    RawConnection c(v.port());
    c.send(frame("35=A|49=NOBODY|56=QUANTDESK|34=1|52=" + now_text() + "|98=0|108=30|"));
    std::string reply = c.read_for(1500ms);
    EXPECT_TRUE(c.closed());
    EXPECT_EQ(reply.find("35=A"), std::string::npos);
  }
  // Logged on, an oversized but well-formed order is refused and the session stays up.
  auto a = v.connect("DESK_A");
  FIX::Message big = limit("big", '1', "0.001", "49000");
  big.setField(58, std::string(100'000, 'y'));
  a->send(big);
  auto m = a->wait_for([](const FIX::Message& x) { return field(x, 11) == "big"; }, 5s);
  ASSERT_TRUE(m);
  EXPECT_EQ(field(*m, 150), "8");
  EXPECT_EQ(field(*m, 58), "message larger than 8192 bytes");
  FIX::Message small = limit("small", '1', "0.001", "49000");
  a->send(small);
  EXPECT_TRUE(a->wait_for(er("small", '0'), 5s));
  EXPECT_TRUE(a->logged_on());
  a->stop(true);
}

TEST(FixSession, BytesThatNeverMakeAMessageAreNotBufferedWithoutBound) {
  VenueHarness v;
  RawConnection c(v.port());
  // A BodyLength of 100 MB announced, then more than a MiB of it: the connection is closed
  // instead of growing its buffer towards the announced length.
  c.send(soh("8=FIX.4.4|9=99999999|35=D|"));
  c.send(std::string(2 << 20, 'x'));
  c.read_for(3000ms);
  EXPECT_TRUE(c.closed());
  auto a = v.connect("DESK_A");  // the venue carries on
  EXPECT_TRUE(a->logged_on());
  a->stop(true);
}

TEST(FixSession, AConnectionThatNeverSpeaksIsClosed) {
  // Each connection holds a thread: one that never names its session must not hold it for good.
  VenueHarness v;
  RawConnection silent(v.port());
  RawConnection junk(v.port());
  junk.send("not fix at all");
  silent.read_for(12000ms);
  junk.read_for(1000ms);
  EXPECT_TRUE(silent.closed());
  EXPECT_TRUE(junk.closed());
}

// Whether a TCP connection to ip:port is accepted.
bool accepts_connections(const char* ip, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &a.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

TEST(FixSession, TheListenerAcceptsOnlyOnItsBindAddress) {
  VenueHarness v([](VenueConfig& c) { c.listeners[0].bind = "127.0.0.2"; });
  EXPECT_TRUE(accepts_connections("127.0.0.2", v.port()));
  EXPECT_FALSE(accepts_connections("127.0.0.1", v.port()));
  // "localhost" is IPv4's loopback, whichever address the resolver lists first.
  VenueHarness local([](VenueConfig& c) { c.listeners[0].bind = "localhost"; });
  EXPECT_TRUE(accepts_connections("127.0.0.1", local.port()));
}

TEST(FixSession, InvalidFixGetsSessionRejectAndTheSessionSurvives) {
  VenueHarness v;
  auto a = v.connect("DESK_A");
  FIX::Message no_symbol = limit("ns", '1', "0.001", "49000");
  no_symbol.removeField(55);
  a->send(no_symbol);
  auto rej = a->wait_for(type_is("3"), 5s);
  ASSERT_TRUE(rej);
  EXPECT_EQ(field(*rej, 371), "55");
  EXPECT_EQ(field(*rej, 373), "1");  // required tag missing
  FIX::Message bad_price = limit("bp", '1', "0.001", "4x900");
  a->send(bad_price);
  rej = a->wait_for(type_is("3"), 5s);
  ASSERT_TRUE(rej);
  EXPECT_EQ(field(*rej, 371), "44");
  FIX::Message bad_enum = limit("be", '1', "0.001", "49000", '2');  // TimeInForce at the opening
  a->send(bad_enum);
  rej = a->wait_for(type_is("3"), 5s);
  ASSERT_TRUE(rej);
  EXPECT_EQ(field(*rej, 371), "59");
  FIX::Message ok = limit("ok", '1', "0.001", "49000");
  a->send(ok);
  EXPECT_TRUE(a->wait_for(er("ok", '0'), 5s));
  EXPECT_EQ(v.gateway().stats().commands_submitted, 1u);
  a->stop(true);
}

// Reports are numbered by the outbox (fix/session_wire.hpp) while the connection's thread
// numbers the session's own messages; a TestRequest between every two orders makes them race.
// Two messages with one number, or a number skipped, and the desk would see it: a gap (it asks
// for a resend) or a number too low (it logs out).
TEST(FixSession, ReportsAndSessionMessagesNeverShareOrSkipASequenceNumber) {
  VenueHarness v;
  InitiatorOptions o = v.options("DESK_A");
  o.log_path = v.dir() + "/desk-log";
  auto a = v.connect(o);
  constexpr int kOrders = 400;
  std::thread pinger([&] {
    for (int i = 0; i < kOrders; ++i) {
      FIX::Message test_request;
      test_request.getHeader().setField(35, "1");
      test_request.setField(112, "ping-" + std::to_string(i));
      a->send(test_request);
    }
  });
  for (int i = 0; i < kOrders; ++i) {
    FIX::Message ioc = limit("ioc-" + std::to_string(i), '1', "0.001", "49000", '3');
    a->send(ioc);  // never crosses: New, then Canceled
  }
  pinger.join();
  int done = 0;  // orders whose remainder the venue cancelled: their second report
  while (done < kOrders) {
    std::optional<FIX::Message> m = a->next(10s);
    if (!m) break;
    if (field(*m, 35) == "8" && field(*m, 150) != "0") ++done;
  }
  EXPECT_EQ(done, kOrders);
  std::this_thread::sleep_for(200ms);  // the last heartbeats
  EXPECT_EQ(a->logons(), 1);
  a->stop(true);

  // Every message the desk received, in order: numbers 1, 2, 3, ... without a repeat or a gap.
  std::vector<int> seqs;
  int heartbeats = 0;
  std::istringstream log(read_dir_files(o.log_path));
  for (std::string line; std::getline(log, line);) {
    if (line.find("\x01" "49=QUANTDESK\x01") == std::string::npos) continue;  // the desk's own
    const size_t at = line.find("\x01" "34=");
    ASSERT_NE(at, std::string::npos) << line;
    seqs.push_back(std::stoi(line.substr(at + 4)));
    if (line.find("\x01" "35=0\x01") != std::string::npos &&
        line.find("\x01" "112=ping-") != std::string::npos)
      ++heartbeats;
  }
  EXPECT_EQ(heartbeats, kOrders);
  ASSERT_GE(seqs.size(), size_t(2 * kOrders + kOrders + 1));  // Logon, reports, heartbeats
  for (size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], int(i) + 1) << "message " << i;
}

}  // namespace
}  // namespace qd::fix::test
