// The HTTP/JSON-RPC client against a real HTTP server on loopback, run in a thread by the test:
// URL parsing, keep-alive, a server that drops idle connections, timeouts, refused connections,
// JSON-RPC and HTTP errors, and decoding of typed results. The client's behaviour against the
// local Solana chain is covered by tests/integration/settlement.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "settlement/solana/rpc_client.hpp"

namespace qd::solana {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

struct Reply {
  unsigned status = 200;
  std::string body;
  bool keep_alive = true;    // false: "Connection: close" and close after replying
  bool drop_after = false;   // close the socket after replying while claiming keep-alive
  bool never_reply = false;  // read the request, then hold the connection silently
};

// A blocking HTTP/1.1 server on 127.0.0.1:<free port>, one connection at a time.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<Reply(const json& request)> handler)
      : handler_(std::move(handler)),
        acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    beast::error_code ec;
    // Wake a blocked accept() with a throwaway connection, then close everything.
    tcp::socket poke(ioc_);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    poke.close(ec);
    thread_.join();
  }
  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int accepted() const { return accepted_; }
  int requests() const { return requests_; }

 private:
  void serve() {
    while (!stop_) {
      tcp::socket socket(ioc_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      ++accepted_;
      beast::flat_buffer buffer;
      while (!stop_) {
        http::request<http::string_body> req;
        http::read(socket, buffer, req, ec);
        if (ec) break;
        ++requests_;
        const Reply reply = handler_(json::parse(req.body(), nullptr, false));
        if (reply.never_reply) {
          // Hold until the client gives up (its read times out and it closes).
          char byte;
          socket.read_some(asio::buffer(&byte, 1), ec);
          break;
        }
        http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
        res.set(http::field::content_type, "application/json");
        res.keep_alive(reply.keep_alive);
        res.body() = reply.body;
        res.prepare_payload();
        http::write(socket, res, ec);
        if (ec || !reply.keep_alive || reply.drop_after) break;
      }
      socket.close(ec);
    }
  }

  std::function<Reply(const json&)> handler_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

std::string result_body(const json& req, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", std::move(result)}}.dump();
}

Reply ok(const json& req, json result) {
  return Reply{200, result_body(req, std::move(result))};
}

TEST(Url, ParsesHttpAndHttps) {
  auto a = Url::parse("http://127.0.0.1:8899");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a.value().tls);
  EXPECT_EQ(a.value().host, "127.0.0.1");
  EXPECT_EQ(a.value().port, 8899);
  EXPECT_EQ(a.value().target, "/");
  auto b = Url::parse("https://api.devnet.solana.com/rpc?x=1");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b.value().tls);
  EXPECT_EQ(b.value().port, 443);
  EXPECT_EQ(b.value().target, "/rpc?x=1");
  auto c = Url::parse("http://[::1]:9000/");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().host, "::1");
  EXPECT_EQ(c.value().port, 9000);
  EXPECT_EQ(Url::parse("http://localhost").value().port, 80);
  for (auto bad : {"ftp://x", "127.0.0.1:8899", "http://", "http://:80", "http://h:0",
                   "http://h:65536", "http://h:8a", "http://u@h", "http://h/#f", "http://h:"}) {
    EXPECT_FALSE(Url::parse(bad).ok()) << bad;
  }
}

TEST(RpcClient, KeepsOneConnectionAcrossCalls) {
  LoopbackServer server([](const json& req) {
    EXPECT_EQ(req["jsonrpc"], "2.0");
    EXPECT_EQ(req["method"], "getSlot");
    EXPECT_EQ(req["params"], json::parse(R"([{"commitment":"confirmed"}])"));
    return ok(req, 1000 + req["id"].get<int>());
  });
  auto client = RpcClient::create(server.url()).value();
  for (int i = 1; i <= 5; ++i) {
    auto slot = client.get_slot(Commitment::Confirmed);
    ASSERT_TRUE(slot.ok()) << slot.error().message;
    EXPECT_EQ(slot.value(), 1000u + static_cast<uint64_t>(i));
  }
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(server.accepted(), 1);
}

TEST(RpcClient, ReconnectsWhenTheServerClosesAfterEachReply) {
  LoopbackServer server([](const json& req) {
    Reply r = ok(req, 7);
    r.keep_alive = false;
    return r;
  });
  auto client = RpcClient::create(server.url()).value();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.get_block_height(Commitment::Finalized).ok());
  EXPECT_EQ(client.connections_opened(), 3u);
}

TEST(RpcClient, RetriesOnceWhenAKeptAliveConnectionWasDropped) {
  LoopbackServer server([](const json& req) {
    Reply r = ok(req, 9);
    r.drop_after = true;  // says keep-alive, then closes: the next request finds it dead
    return r;
  });
  auto client = RpcClient::create(server.url()).value();
  for (int i = 0; i < 3; ++i) {
    auto r = client.get_slot(Commitment::Processed);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  EXPECT_EQ(server.requests(), 3);  // every request answered exactly once
  EXPECT_EQ(client.connections_opened(), 3u);
}

TEST(RpcClient, ReadTimeoutIsATransportError) {
  LoopbackServer server([](const json&) { return Reply{200, "", true, false, true}; });
  RpcOptions options;
  options.http.request_timeout = std::chrono::milliseconds(300);
  auto client = RpcClient::create(server.url(), options).value();
  const auto start = std::chrono::steady_clock::now();
  auto r = client.get_slot(Commitment::Finalized);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, RpcError::Kind::Transport);
  EXPECT_NE(r.error().message.find("timed out after 300 ms"), std::string::npos)
      << r.error().message;
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(RpcClient, RefusedConnectionIsATransportError) {
  uint16_t port = 0;
  {
    asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed again: nothing listens there now
  auto client = RpcClient::create("http://127.0.0.1:" + std::to_string(port)).value();
  auto r = client.get_slot(Commitment::Finalized);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, RpcError::Kind::Transport);
  EXPECT_NE(r.error().message.find("getSlot: cannot connect to 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << r.error().message;
}

TEST(RpcClient, JsonRpcErrorsKeepCodeMessageAndData) {
  LoopbackServer server([](const json& req) {
    json err = {{"code", -32002},
                {"message", "Transaction simulation failed: Error processing Instruction 2"},
                {"data",
                 {{"err", {{"InstructionError", {2, {{"Custom", 1}}}}}},
                  {"logs", {"Program log: Error: insufficient funds"}}}}};
    return Reply{200, json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"error", err}}.dump()};
  });
  auto client = RpcClient::create(server.url()).value();
  const uint8_t tx[] = {1, 2, 3};
  auto r = client.send_transaction(tx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, RpcError::Kind::Rpc);
  EXPECT_EQ(r.error().code, -32002);
  EXPECT_NE(r.error().message.find("sendTransaction: Transaction simulation failed"),
            std::string::npos);
  EXPECT_EQ(r.error().data["err"]["InstructionError"][1]["Custom"], 1);
  EXPECT_EQ(r.error().data["logs"][0], "Program log: Error: insufficient funds");
}

TEST(RpcClient, HttpErrorsAndGarbage) {
  int n = 0;
  LoopbackServer server([&n](const json& req) {
    switch (n++) {
      case 0:
        return Reply{503, "overloaded"};
      case 1:
        return Reply{200, "not json"};
      case 2:
        return Reply{200, json{{"jsonrpc", "2.0"}, {"id", 999}, {"result", 1}}.dump()};
      default:
        return ok(req, "not a number");
    }
  });
  auto client = RpcClient::create(server.url()).value();
  auto a = client.get_slot(Commitment::Finalized);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, RpcError::Kind::Http);
  EXPECT_EQ(a.error().code, 503);
  auto b = client.get_slot(Commitment::Finalized);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().kind, RpcError::Kind::Decode);
  auto c = client.get_slot(Commitment::Finalized);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("id does not match"), std::string::npos);
  auto d = client.get_slot(Commitment::Finalized);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().kind, RpcError::Kind::Decode);
}

TEST(RpcClient, DecodesTypedResults) {
  const std::string sig =
      "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";
  LoopbackServer server([&sig](const json& req) {
    const std::string m = req["method"];
    const json& p = req["params"];
    if (m == "getLatestBlockhash") {
      return ok(req, {{"context", {{"slot", 321}}},
                      {"value",
                       {{"blockhash", "JEJUoGfGEPTZ1XTwN39dYdFxYxDiDaSKVNy5qYWJmZt3"},
                        {"lastValidBlockHeight", 470}}}});
    }
    if (m == "sendTransaction") {
      EXPECT_EQ(p[0], "AQID");
      EXPECT_EQ(p[1], json::parse(R"({"encoding":"base64","skipPreflight":true,
          "preflightCommitment":"confirmed","maxRetries":0})"));
      return ok(req, sig);
    }
    if (m == "simulateTransaction") {
      EXPECT_EQ(p[1]["replaceRecentBlockhash"], true);
      return ok(req,
                {{"context", {{"slot", 5}}},
                 {"value", {{"err", nullptr}, {"logs", {"a", "b"}}, {"unitsConsumed", 4321}}}});
    }
    if (m == "getSignatureStatuses") {
      EXPECT_EQ(p[1]["searchTransactionHistory"], true);
      return ok(req, {{"context", {{"slot", 9}}},
                      {"value",
                       {nullptr,
                        {{"slot", 8},
                         {"confirmations", nullptr},
                         {"err", nullptr},
                         {"status", {{"Ok", nullptr}}},
                         {"confirmationStatus", "finalized"}},
                        {{"slot", 7},
                         {"confirmations", 2},
                         {"err", {{"InstructionError", {0, "InvalidAccountData"}}}},
                         {"confirmationStatus", "confirmed"}}}}});
    }
    if (m == "getTokenAccountBalance") {
      return ok(req, {{"context", {{"slot", 1}}},
                      {"value",
                       {{"amount", "18446744073709551615"},
                        {"decimals", 6},
                        {"uiAmount", 1.8e13},
                        {"uiAmountString", "18446744073709.551615"}}}});
    }
    if (m == "getAccountInfo") {
      EXPECT_EQ(p[1]["encoding"], "base64");
      if (p[0] == "11111111111111111111111111111111")
        return ok(req, {{"context", {{"slot", 1}}}, {"value", nullptr}});
      return ok(req, {{"context", {{"slot", 1}}},
                      {"value",
                       {{"data", {"AQID", "base64"}},
                        {"executable", false},
                        {"lamports", 2039280},
                        {"owner", "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"},
                        {"rentEpoch", 18446744073709551615ULL},
                        {"space", 3}}}});
    }
    if (m == "getRecentPrioritizationFees") {
      EXPECT_EQ(p[0].size(), 1u);
      return ok(req, json::array({{{"slot", 10}, {"prioritizationFee", 0}},
                                  {{"slot", 11}, {"prioritizationFee", 5000}}}));
    }
    if (m == "getBalance") return ok(req, {{"context", {{"slot", 1}}}, {"value", 5000000000ULL}});
    if (m == "requestAirdrop") return ok(req, sig);
    return Reply{200, json{{"jsonrpc", "2.0"},
                           {"id", req["id"]},
                           {"error", {{"code", -32601}, {"message", "Method not found"}}}}
                          .dump()};
  });
  auto client = RpcClient::create(server.url()).value();

  auto bh = client.get_latest_blockhash(Commitment::Finalized).value();
  EXPECT_EQ(bh.blockhash.to_base58(), "JEJUoGfGEPTZ1XTwN39dYdFxYxDiDaSKVNy5qYWJmZt3");
  EXPECT_EQ(bh.last_valid_block_height, 470u);
  EXPECT_EQ(bh.context_slot, 321u);

  const uint8_t tx[] = {1, 2, 3};
  SendOptions send;
  send.skip_preflight = true;
  send.preflight_commitment = Commitment::Confirmed;
  send.max_retries = 0;
  EXPECT_EQ(client.send_transaction(tx, send).value().to_base58(), sig);

  SimulateOptions sim;
  sim.replace_recent_blockhash = true;
  auto s = client.simulate_transaction(tx, sim).value();
  EXPECT_TRUE(s.err.is_null());
  EXPECT_EQ(s.logs, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.units_consumed, 4321u);
  sim.sig_verify = true;
  EXPECT_EQ(client.simulate_transaction(tx, sim).error().kind, RpcError::Kind::Invalid);

  const Signature sigs[3] = {};
  auto st = client.get_signature_statuses(sigs, true).value();
  ASSERT_EQ(st.size(), 3u);
  EXPECT_FALSE(st[0].has_value());
  EXPECT_EQ(st[1]->slot, 8u);
  EXPECT_FALSE(st[1]->confirmations.has_value());
  EXPECT_EQ(st[1]->confirmation_status, "finalized");
  EXPECT_EQ(st[2]->confirmations, 2u);
  EXPECT_EQ(st[2]->err["InstructionError"][1], "InvalidAccountData");
  // Fewer entries than signatures is a decode error, not a silent truncation.
  const Signature two[2] = {};
  EXPECT_EQ(client.get_signature_statuses(two, true).error().kind, RpcError::Kind::Decode);
  const std::vector<Signature> too_many(257);
  EXPECT_EQ(client.get_signature_statuses(too_many).error().kind, RpcError::Kind::Invalid);

  auto bal = client.get_token_account_balance(Pubkey{}, Commitment::Confirmed).value();
  EXPECT_EQ(bal.amount, UINT64_MAX);
  EXPECT_EQ(bal.decimals, 6);
  EXPECT_EQ(bal.ui_amount_string, "18446744073709.551615");

  EXPECT_FALSE(client.get_account_info(Pubkey{}, Commitment::Confirmed).value().has_value());
  Pubkey some;
  some.bytes[0] = 1;
  auto info = client.get_account_info(some, Commitment::Confirmed).value();
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->data, (Bytes{1, 2, 3}));
  EXPECT_EQ(info->lamports, 2039280u);
  EXPECT_EQ(info->owner.to_base58(), "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
  EXPECT_EQ(info->rent_epoch, UINT64_MAX);

  const Pubkey accounts[] = {some};
  auto fees = client.get_recent_prioritization_fees(accounts).value();
  ASSERT_EQ(fees.size(), 2u);
  EXPECT_EQ(fees[1].prioritization_fee, 5000u);
  EXPECT_EQ(client.get_balance(some, Commitment::Finalized).value(), 5000000000u);
  EXPECT_EQ(client.request_airdrop(some, 1).value().to_base58(), sig);

  auto missing = client.get_minimum_balance_for_rent_exemption(82, Commitment::Finalized);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, -32601);
  EXPECT_EQ(client.connections_opened(), 1u);
}

}  // namespace
}  // namespace qd::solana
