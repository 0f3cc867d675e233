// The gateway's composition root with settlement enabled: the quickstart venue (its config,
// journal, sequencer and FIX acceptor) runs against the local chain, trades entered through
// the sequencer settle on chain while the venue keeps running, and the venue's own accessors
// (status, listeners, reconcile) see it. The COMPLIANCE drop copy receives each settled fill
// (35=AE with 20100-20107) and its merkle proof verifies against the batch root.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <algorithm>

#include "app/config/config_loader.hpp"
#include "app/gateway/venue.hpp"
#include "fix/initiator.hpp"
#include "fix/venue_tags.hpp"
#include "settlement/solana/merkle.hpp"
#include "tests/integration/settlement_bridge/bridge_harness.hpp"
#include "tests/integration/settlement_bridge/store_inspect.hpp"

namespace qd::bridge_test {
namespace {

uint16_t free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

std::vector<uint8_t> unhex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(uint8_t(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

solana::Hash hash_of_hex(const std::string& hex) {
  auto h = solana::Hash::from_bytes(unhex(hex));
  EXPECT_TRUE(h.ok()) << hex;
  return h.ok() ? h.value() : solana::Hash{};
}

struct Counter final : settlement::SettlementListener {
  std::atomic<int> batches{0};
  std::atomic<int> fills{0};
  void on_batch_confirmed(const settlement::BatchConfirmation& c) override {
    ++batches;
    fills += int(c.fills.size());
  }
};

TEST(VenueSettlement, TheQuickstartVenueSettlesItsTradesOnChain) {
  TempDir dir;
  Localnet chain(dir);
  ASSERT_FALSE(chain.url().empty());
  std::string yaml(embedded_quickstart_yaml());
  replace_all(yaml, "data/quickstart", dir.path());
  replace_all(yaml, "port: 9876", "port: " + std::to_string(free_port()));
  replace_all(yaml, "\"http://127.0.0.1:8899\"", "\"" + chain.url() + "\"");
  replace_all(yaml, "batch_max_delay_ms: 1000", "batch_max_delay_ms: 200");
  { std::ofstream(dir.file("venue.yaml")) << yaml; }
  Child setup(
      {QD_NODE_EXECUTABLE, QD_LOCALNET_SETUP, "--config", dir.file("venue.yaml"), "--quiet"},
      dir.file("setup.log"));
  ASSERT_EQ(setup.wait(), 0) << "see " << dir.file("setup.log");
  auto loaded = load_config_text(yaml, "venue.yaml", dir.path());
  ASSERT_TRUE(loaded.has_value()) << (loaded.errors().empty() ? ""
                                                              : loaded.errors().front().message);
  VenueConfig config = std::move(loaded).value();
  config.metrics.enabled = false;  // a fixed port; this test reads status() instead
  config.logging.file.clear();
  ASSERT_TRUE(config.settlement.enabled);

  const json manifest = manifest_json(config.settlement.manifest);
  auto rpc = solana::RpcClient::create(chain.url());
  ASSERT_TRUE(rpc.ok());
  const std::string vault = manifest["vault"];
  for (int i = 0; i < 200 && balance(rpc.value(), vault) < 0; ++i)
    std::this_thread::sleep_for(50ms);

  Venue venue(config);
  ASSERT_NE(venue.settlement(), nullptr);
  Counter counter;
  venue.settlement()->add_listener(&counter);
  venue.start();
  fix::InitiatorOptions dc_options;
  dc_options.port = config.listeners.front().port;
  dc_options.sender_comp_id = dc_options.username = "COMPLIANCE";
  dc_options.password = "compliance-demo";
  dc_options.dictionary_path = fix::default_dictionary_path();  // the AE validates
  fix::Initiator compliance(dc_options);
  compliance.start();
  ASSERT_TRUE(compliance.wait_logged_on(10s));
  auto order = [&](AccountId a, Side side, int64_t usd) {
    NewOrder o;
    o.origin = {a, 0};
    o.market = 0;  // BTC-PERP
    o.client_id.assign("v" + std::to_string(a) + std::to_string(int(side)) + std::to_string(usd));
    o.side = side;
    o.price = Price(usd * PRICE_PRECISION);
    o.qty = Qty(QTY_PRECISION / 2);  // 0.5 BTC
    ASSERT_TRUE(venue.sequencer().try_submit(o));
  };
  order(2, Side::sell, 50'000);  // DESK-B rests
  order(1, Side::buy, 50'000);   // DESK-A takes
  order(1, Side::sell, 50'100);  // DESK-A rests the close
  order(2, Side::buy, 50'100);   // DESK-B takes it: A +$50, B -$50, both paid fees
  settlement::SettlementStatus st;
  for (int i = 0; i < 1200; ++i) {
    st = venue.settlement()->status();
    if (st.fills_finalized >= 2 && st.idle) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GE(st.fills_finalized, 2u) << st.last_error;
  EXPECT_GE(counter.fills.load(), 2);
  std::map<AccountId, int64_t> collateral;
  venue.sequencer().run_on_engine([&](const Exchange& ex) {
    for (AccountId a : {1u, 2u}) collateral[a] = ex.risk()->account(a)->collateral.raw;
  });
  const int64_t initial = 1'000'000 * QUOTE_PRECISION;
  EXPECT_EQ(collateral[1] - initial,
            50 * QUOTE_PRECISION - 25'000'000 + 5'010'000);  // +50, fee, rebate
  int64_t vault_expected = 10'000'000 * QUOTE_PRECISION;
  for (const auto& [a, id] : {std::pair{1u, "DESK-A"}, std::pair{2u, "DESK-B"}}) {
    EXPECT_EQ(balance(rpc.value(), manifest["accounts"][id]["token_account"]), collateral[a]) << id;
    vault_expected -= collateral[a] - initial;
  }
  EXPECT_EQ(balance(rpc.value(), vault), vault_expected);  // the fees: the venue's
  // Compliance: one settlement AE per fill, its signature the one settlement.db recorded for
  // the batch, its proof leading from the fill bytes to the root.
  const std::vector<PartInfo> recorded = parts(dir.path() + "/settlement.db");
  int settled_reports = 0;
  for (;;) {
    std::optional<FIX::Message> m = compliance.wait_for(
        [](const FIX::Message& x) { return x.isSetField(fix::tag::SettlementBatchID); }, 5s);
    if (!m) break;
    ++settled_reports;
    const int64_t batch = std::stoll(m->getField(fix::tag::SettlementBatchID));
    const std::string signature = m->getField(fix::tag::SettlementTxSignature);
    EXPECT_TRUE(std::any_of(recorded.begin(), recorded.end(),
                            [&](const PartInfo& p) {
                              return p.batch == batch && p.signature == signature &&
                                     p.state != "failed";
                            }))
        << "batch " << batch << " signature " << signature;
    EXPECT_EQ(m->getField(fix::std_tag::TradeReportID),
              std::to_string(batch) + "-" + m->getField(fix::tag::SettlementLeafIndex));
    const std::vector<uint8_t> fill = unhex(m->getField(fix::tag::SettlementFillBytes));
    ASSERT_EQ(fill.size(), settlement::FILL_BYTES_SIZE);
    solana::MerkleProof proof;
    proof.leaf_index = std::stoull(m->getField(fix::tag::SettlementLeafIndex));
    proof.leaf_count = std::stoull(m->getField(fix::tag::SettlementLeafCount));
    const std::string siblings = m->getField(fix::tag::SettlementMerkleProof);
    ASSERT_EQ(siblings.size() % 64, 0u);
    for (size_t i = 0; i < siblings.size(); i += 64)
      proof.siblings.push_back(hash_of_hex(siblings.substr(i, 64)));
    const solana::Hash root = hash_of_hex(m->getField(fix::tag::SettlementMerkleRoot));
    EXPECT_TRUE(solana::merkle_verify(solana::merkle_leaf_hash(fill), proof, root));
    solana::Hash wrong = root;
    wrong.bytes[0] ^= 1;
    EXPECT_FALSE(solana::merkle_verify(solana::merkle_leaf_hash(fill), proof, wrong));
    FIX::Group side(fix::std_tag::NoSides, fix::std_tag::Side);
    m->getGroup(1, side);
    const std::string status = side.getField(fix::tag::SettlementSideStatus);
    EXPECT_TRUE(status == "transferred" || status == "netted_zero" || status == "deferred")
        << status;
  }
  EXPECT_EQ(settled_reports, counter.fills.load());
  compliance.stop();
  const auto rep = venue.settlement()->reconcile();
  EXPECT_TRUE(rep.ok) << rep.error;
  venue.stop();
}

}  // namespace
}  // namespace qd::bridge_test
