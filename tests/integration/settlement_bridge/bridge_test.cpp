// The settlement bridge against the real local chain: trades from the real engine's journal
// settle as netted transfers with exactly the venue's collateral changes; the memos anchor the
// fills' merkle roots; SIGKILL before and after the send never settles a batch twice or loses
// it; an expired blockhash is re-signed only once provably dead; a desk that cut its allowance
// (pre-check) or revoked its delegation (simulation) is quarantined while the rest settles, and
// settles once it approves again.

#include <gtest/gtest.h>

#include <set>

#include "settlement/solana/merkle.hpp"
#include "settlement/solana/sha256.hpp"
#include "tests/integration/settlement_bridge/bridge_harness.hpp"
#include "tests/integration/settlement_bridge/store_inspect.hpp"

namespace qd::bridge_test {
namespace {

constexpr int64_t USDC = 1'000'000;
constexpr int64_t DESK_COLLATERAL = 100'000 * USDC;
constexpr int64_t VAULT_FLOAT = 1'000'000 * USDC;

/// The fill bytes of spec/SETTLEMENT.md written out independently of the bridge's encoder.
solana::Bytes spec_fill_bytes(const OrderFilled& m) {
  solana::Bytes b;
  auto le = [&](uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b.push_back(uint8_t(v >> (8 * i)));
  };
  le(1, 1);
  le(m.trade_id.seq, 8);
  le(m.trade_id.index, 4);
  le(m.order.market, 4);
  le(m.order.order_id, 8);
  le(m.order.origin.account, 4);
  le(m.counterparty_order_id, 8);
  le(m.counterparty_account, 4);
  le(uint64_t(m.aggressor_side), 1);
  le(uint64_t(m.last_price.raw), 8);
  le(uint64_t(m.last_qty.raw), 8);
  return b;
}

solana::Hash hash_from_hex(const std::string& hex) {
  solana::Hash h;
  for (size_t i = 0; i < 32; ++i)
    h.bytes[i] = uint8_t(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  return h;
}

struct SettleRun {
  int rc = -1;
  std::vector<json> confirmed;
  json status;
  json reconcile;
  std::vector<std::string> lines;
};

class BridgeTest : public ::testing::Test {
 protected:
  void start(size_t desks, const std::string& allowance = "50000") {
    ASSERT_FALSE(dir_.path().empty());
    chain_ = std::make_unique<Localnet>(dir_);
    ASSERT_FALSE(chain_->url().empty())
        << "localnet did not start: see " << dir_.file("localnet.log");
    auto c = solana::RpcClient::create(chain_->url());
    ASSERT_TRUE(c.ok());
    rpc_.emplace(std::move(c).value());
    for (size_t i = 0; i < desks; ++i) {
      char id[32];
      std::snprintf(id, sizeof id, "DESK-%02zu", i + 1);
      desks_.push_back({AccountId(i + 1), id, DESK_COLLATERAL});
    }
    manifest_path_ =
        run_setup(dir_, chain_->url(), desks_, allowance, std::to_string(VAULT_FLOAT / USDC));
    ASSERT_FALSE(manifest_path_.empty()) << "setup failed: see " << dir_.file("setup.log");
    manifest_ = manifest_json(manifest_path_);
    journal_ = std::make_unique<JournalBuilder>(dir_.file("journal.db"), desks_);
    journal_->oracle(50'000);
  }

  std::string token(AccountId a) const {
    return manifest_["accounts"][desks_[a - 1].id]["token_account"].get<std::string>();
  }
  std::string vault() const { return manifest_["vault"].get<std::string>(); }
  std::string store() const { return dir_.file("settlement.db"); }
  std::string log() const {
    std::ifstream in(dir_.file("settle.log"));
    std::string all((std::istreambuf_iterator<char>(in)), {});
    return all.size() > 6000 ? all.substr(all.size() - 6000) : all;
  }

  std::vector<std::string> args(const std::vector<std::string>& extra) const {
    auto a = settle_args(dir_.file("journal.db"), store(), manifest_path_, desks_);
    a.insert(a.end(), {"--batch-max-delay-ms", "150", "--recheck-ms", "300"});
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

  SettleRun run_to_idle(const std::vector<std::string>& extra = {}, int timeout_s = 60) {
    std::vector<std::string> e = extra;
    e.insert(e.end(),
             {"--exit-when-idle", "--reconcile", "--timeout-s", std::to_string(timeout_s)});
    Child c(args(e), dir_.file("settle.log"));
    SettleRun r;
    while (auto l = c.line(std::chrono::seconds(timeout_s + 30))) {
      r.lines.push_back(*l);
      if (l->rfind("CONFIRMED ", 0) == 0) r.confirmed.push_back(json::parse(l->substr(10)));
      if (l->rfind("STATUS ", 0) == 0) r.status = json::parse(l->substr(7));
      if (l->rfind("RECONCILE ", 0) == 0) r.reconcile = json::parse(l->substr(10));
    }
    r.rc = c.wait();
    return r;
  }

  /// The trade mix most tests use: every desk trades with the next, prices drift up, so each
  /// account pays or earns fees and realizes PnL on later trades.
  void trade_round(int rounds) {
    const AccountId n = AccountId(desks_.size());
    for (int k = 0; k < rounds; ++k) {
      const int64_t px = 50'000 + 25 * k;
      journal_->oracle(px);
      const AccountId maker = AccountId(1 + k % n), taker = AccountId(1 + (k + 1) % n);
      journal_->trade(maker, taker, k % 2 == 0 ? Side::buy : Side::sell, px, 50 + 10 * (k % 5));
    }
  }

  /// Every desk's finalized token balance equals its venue collateral (on-chain = initial
  /// deposit + settled flows), except `behind` whose balance is its initial one; the vault
  /// holds its float plus what the desks lost (fees included).
  void expect_mirrored(const std::set<AccountId>& behind = {}) {
    int64_t vault_expected = VAULT_FLOAT;
    for (const Desk& d : desks_) {
      const int64_t venue = journal_->collateral(d.number).raw;
      const int64_t expected = behind.count(d.number) ? d.collateral : venue;
      EXPECT_EQ(balance(*rpc_, token(d.number)), expected) << d.id;
      vault_expected -= expected - d.collateral;
    }
    EXPECT_EQ(balance(*rpc_, vault()), vault_expected);
  }

  /// Every confirmation's proofs verify against the root in the memo of each of its parts, and
  /// the batches together hold every trade of the journal, in order, each exactly once.
  void expect_anchored(const std::vector<json>& confirmed) {
    std::vector<std::string> all_fills;
    std::set<uint64_t> batch_ids;
    std::vector<json> sorted = confirmed;
    std::sort(sorted.begin(), sorted.end(),
              [](const json& a, const json& b) { return a["batch"] < b["batch"]; });
    for (const json& c : sorted) {
      EXPECT_TRUE(batch_ids.insert(c["batch"].get<uint64_t>()).second) << "announced twice";
      const solana::Hash root = hash_from_hex(c["root"]);
      std::vector<solana::Bytes> fills;
      for (const json& f : c.value("fill_list", json::array())) {
        const std::string hex = f["bytes"];
        solana::Bytes bytes;
        for (size_t i = 0; i < hex.size(); i += 2)
          bytes.push_back(uint8_t(std::stoul(hex.substr(i, 2), nullptr, 16)));
        fills.push_back(bytes);
        solana::MerkleProof proof;
        proof.leaf_index = f["leaf"];
        proof.leaf_count = c["fills"];
        const std::string p = f["proof"];
        for (size_t i = 0; i < p.size(); i += 64)
          proof.siblings.push_back(hash_from_hex(p.substr(i, 64)));
        EXPECT_TRUE(solana::merkle_verify(solana::merkle_leaf_hash(bytes), proof, root));
        all_fills.push_back(hex);
      }
      EXPECT_EQ(solana::merkle_root(fills), root);
      for (const json& s : c["signatures"]) {
        const std::string memo = memo_of(*rpc_, s["signature"]);
        const std::string expected_memo =
            "qd-settle v1 batch=" + std::to_string(c["batch"].get<uint64_t>()) +
            " part=" + std::to_string(s["part"].get<int>()) + "/" +
            std::to_string(c["parts"].get<int>()) +
            " fills=" + std::to_string(c["fills"].get<uint64_t>()) +
            " root=" + c["root"].get<std::string>();
        EXPECT_EQ(memo, expected_memo);
      }
    }
    std::vector<std::string> journal_fills;
    for (const OrderFilled& m : journal_->maker_fills())
      journal_fills.push_back(solana::to_hex(spec_fill_bytes(m)));
    EXPECT_EQ(all_fills, journal_fills);
  }

  void approve(AccountId a, uint64_t allowance) {
    const std::string kp_path = manifest_["accounts"][desks_[a - 1].id]["owner_keypair"];
    auto owner = solana::Keypair::load_file(kp_path);
    ASSERT_TRUE(owner.ok()) << owner.error().message;
    const auto mint = solana::Pubkey::from_base58(manifest_["mint"].get<std::string>()).value();
    const auto authority =
        solana::Pubkey::from_base58(manifest_["authority"].get<std::string>()).value();
    const auto ata = solana::Pubkey::from_base58(token(a)).value();
    const solana::Instruction ix =
        allowance == 0 ? solana::token_revoke(ata, owner.value().pubkey())
                       : solana::token_approve_checked(ata, mint, authority, owner.value().pubkey(),
                                                       allowance, 6);
    land_as(owner.value(), ix);
  }

  void land_as(const solana::Keypair& payer, const solana::Instruction& ix) {
    auto drop = rpc_->request_airdrop(payer.pubkey(), 100'000'000);
    ASSERT_TRUE(drop.ok());
    for (int i = 0; i < 400; ++i) {  // the fee payer needs the lamports at confirmed
      auto st = rpc_->get_signature_statuses(std::span(&drop.value(), 1), true);
      if (st.ok() && st.value()[0] && st.value()[0]->confirmation_status != "processed") break;
      std::this_thread::sleep_for(25ms);
    }
    auto bh = rpc_->get_latest_blockhash(solana::Commitment::Confirmed);
    ASSERT_TRUE(bh.ok());
    auto tx = solana::Transaction::unsigned_of(
        solana::compile_legacy_message(payer.pubkey(), std::span(&ix, 1), bh.value().blockhash)
            .value());
    const solana::Keypair* signers[] = {&payer};
    ASSERT_TRUE(tx.sign(signers).ok());
    solana::SendOptions so;
    so.preflight_commitment = solana::Commitment::Confirmed;
    auto sig = rpc_->send_transaction(tx.serialize(), so);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    for (int i = 0; i < 200; ++i) {  // until finalized: the bridge pre-checks at processed
      auto st = rpc_->get_signature_statuses(std::span(&sig.value(), 1), true);
      if (st.ok() && st.value()[0] && st.value()[0]->confirmation_status == "finalized") return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "approval did not finalize";
  }

  std::optional<solana::SignatureStatus> status_of(const std::string& sig) {
    auto s = solana::Signature::from_base58(sig);
    if (!s) return std::nullopt;
    auto st = rpc_->get_signature_statuses(std::span(&s.value(), 1), true);
    return st.ok() ? st.value()[0] : std::nullopt;
  }

  json hook(const std::string& method, json params = json::object()) {
    auto r = rpc_->call(method, params);
    EXPECT_TRUE(r.ok()) << method << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? r.value() : json();
  }

  TempDir dir_;
  std::unique_ptr<Localnet> chain_;
  std::optional<solana::RpcClient> rpc_;
  std::vector<Desk> desks_;
  std::string manifest_path_;
  json manifest_;
  std::unique_ptr<JournalBuilder> journal_;
};

TEST_F(BridgeTest, TradesSettleAsNettedTransfersAndTheMemosAnchorTheFills) {
  ASSERT_NO_FATAL_FAILURE(start(4));
  trade_round(10);
  const SettleRun r = run_to_idle({"--batch-max-fills", "4"});
  ASSERT_EQ(r.rc, 0) << log();
  EXPECT_GE(r.confirmed.size(), 3u);  // 10 trades, one per command, cut at >= 4 fills
  EXPECT_EQ(r.status["fills_finalized"], 10);
  EXPECT_EQ(r.status["versions_expired"], 0);
  EXPECT_EQ(r.status["quarantined_now"], 0);
  EXPECT_EQ(r.status["lag_seq"], 0);
  EXPECT_TRUE(r.reconcile["ok"].get<bool>()) << r.reconcile.dump();
  expect_mirrored();
  expect_anchored(r.confirmed);
  // One transfer per account per batch, never more: netting.
  for (const json& c : r.confirmed) {
    std::set<AccountId> seen;
    for (const json& t : c.value("transfers", json::array()))
      EXPECT_TRUE(seen.insert(t["account"].get<AccountId>()).second);
    EXPECT_LE(seen.size(), desks_.size());
  }
  // The fees stayed with the venue: the desks together lost what the vault gained.
  EXPECT_GT(balance(*rpc_, vault()), VAULT_FLOAT);
  // A second run over the same store has nothing to do and signs nothing.
  const SettleRun again = run_to_idle();
  ASSERT_EQ(again.rc, 0) << log();
  EXPECT_EQ(again.status["versions_signed"], 0);
  EXPECT_TRUE(again.confirmed.empty());
  expect_mirrored();
}

TEST_F(BridgeTest, BatchesWithMoreAccountsThanALegacyPartGoV0ThroughTheLookupTable) {
  ASSERT_NO_FATAL_FAILURE(start(36));
  for (AccountId a = 1; a <= 36; a += 2) journal_->trade(a, a + 1, Side::buy, 50'000, 20);
  const SettleRun r = run_to_idle({"--batch-max-fills", "1000"});
  ASSERT_EQ(r.rc, 0) << log();
  ASSERT_EQ(r.confirmed.size(), 1u);
  const json& c = r.confirmed[0];
  EXPECT_EQ(c["transfers"].size(), 36u);  // 18 takers pay fees, 18 makers earn rebates
  EXPECT_EQ(c["parts"], 2);               // 18 debits in one v0 part, 18 credits in another
  for (const json& s : c["signatures"]) EXPECT_EQ(version_of(*rpc_, s["signature"]), "0");
  EXPECT_FALSE(query(store(), "SELECT value FROM meta WHERE key = 'lookup_table'").empty());
  EXPECT_TRUE(r.reconcile["ok"].get<bool>()) << r.reconcile.dump();
  expect_mirrored();
  expect_anchored(r.confirmed);
}

TEST_F(BridgeTest, KilledAfterCommittingBeforeSendingResendsTheSameBytesOnce) {
  ASSERT_NO_FATAL_FAILURE(start(4));
  trade_round(6);
  {
    Child c(args({"--pause-at", "signed:1:1", "--batch-max-fills", "100"}),
            dir_.file("settle.log"));
    ASSERT_TRUE(c.until("PAUSED ", 60s)) << log();
    c.kill(SIGKILL);
    EXPECT_EQ(c.wait(), 128 + SIGKILL);
  }
  const auto before = parts(store());
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(before[0].state, "signed");
  EXPECT_EQ(before[0].version, 1);
  EXPECT_FALSE(status_of(before[0].signature).has_value());  // never reached the chain
  const SettleRun r = run_to_idle();
  ASSERT_EQ(r.rc, 0) << log();
  const auto after = parts(store());
  ASSERT_EQ(after.size(), before.size());
  EXPECT_EQ(after[0].signature, before[0].signature);  // the committed bytes, not a new version
  EXPECT_EQ(after[0].version, 1);
  for (const PartInfo& p : after) EXPECT_EQ(p.state, "finalized");
  EXPECT_TRUE(dead_versions(store()).empty());
  EXPECT_TRUE(r.reconcile["ok"].get<bool>()) << r.reconcile.dump();
  expect_mirrored();
  expect_anchored(r.confirmed);
}

TEST_F(BridgeTest, KilledAfterSendingBeforeConfirmationSettlesExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(start(4));
  trade_round(6);
  // Everything set up must be final before the chain stops (the bridge reads the vault's
  // finalized balance when it first starts).
  for (int i = 0; i < 200 && balance(*rpc_, vault()) < 0; ++i) std::this_thread::sleep_for(50ms);
  hook("localnet_pause");  // the part lands in the open block and cannot be confirmed yet
  std::string first;
  {
    Child c(args({"--pause-at", "sent:1:1", "--batch-max-fills", "100"}), dir_.file("settle.log"));
    ASSERT_TRUE(c.until("PAUSED ", 60s)) << log();
    const auto p = parts(store());
    ASSERT_FALSE(p.empty());
    first = p[0].signature;
    const auto st = status_of(first);
    ASSERT_TRUE(st.has_value());                      // it reached the chain...
    EXPECT_EQ(st->confirmation_status, "processed");  // ...but is not confirmed
    c.kill(SIGKILL);
    c.wait();
  }
  hook("localnet_resume");
  const SettleRun r = run_to_idle();
  ASSERT_EQ(r.rc, 0) << log();
  const auto after = parts(store());
  EXPECT_EQ(after[0].signature, first);
  EXPECT_EQ(after[0].version, 1);
  EXPECT_TRUE(dead_versions(store()).empty());
  // Each part with transfers touched the vault exactly once.
  auto sigs =
      rpc_->call("getSignaturesForAddress", json::array({vault(), {{"commitment", "finalized"}}}));
  ASSERT_TRUE(sigs.ok());
  std::set<std::string> landed;
  for (const json& s : sigs.value()) landed.insert(s["signature"].get<std::string>());
  for (const PartInfo& p : after) EXPECT_EQ(landed.count(p.signature), 1u) << p.signature;
  EXPECT_TRUE(r.reconcile["ok"].get<bool>()) << r.reconcile.dump();
  expect_mirrored();
}

TEST_F(BridgeTest, AnExpiredBlockhashIsResignedOnlyOnceTheFinalizedHeightPassedIt) {
  ASSERT_NO_FATAL_FAILURE(start(4));
  trade_round(6);
  hook("localnet_dropNextTransactions", {{"count", 1}});  // the first send never lands
  Child c(args({"--exit-when-idle", "--timeout-s", "90", "--resend-ms", "600000",
                "--batch-max-fills", "100"}),
          dir_.file("settle.log"));
  std::vector<PartInfo> p;
  for (int i = 0; i < 600 && (p.empty() || p[0].state != "signed"); ++i) {
    std::this_thread::sleep_for(50ms);
    p = parts(store());
  }
  ASSERT_FALSE(p.empty()) << log();
  ASSERT_EQ(p[0].state, "signed");
  const std::string dropped = p[0].signature;
  // Blocks go by, the version is unknown, but its blockhash is still valid: nothing is re-signed.
  std::this_thread::sleep_for(1500ms);
  p = parts(store());
  EXPECT_EQ(p[0].version, 1);
  EXPECT_EQ(p[0].signature, dropped);
  EXPECT_TRUE(dead_versions(store()).empty());
  // Past lastValidBlockHeight + the finalization depth: provably dead, so version 2 is signed.
  hook("localnet_advanceBlocks", {{"count", 200}});
  std::string out;
  while (auto l = c.line(120s)) out += *l + "\n";
  ASSERT_EQ(c.wait(), 0) << log();
  const auto dead = dead_versions(store());
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].signature, dropped);
  EXPECT_EQ(dead[0].outcome, "expired");
  EXPECT_FALSE(status_of(dropped).has_value());
  p = parts(store());
  EXPECT_EQ(p[0].version, 2);
  EXPECT_EQ(p[0].state, "finalized");
  expect_mirrored();
}

TEST_F(BridgeTest, ADeskWithTooLittleAllowanceIsQuarantinedAndSettlesAfterReapproving) {
  ASSERT_NO_FATAL_FAILURE(start(4));
  ASSERT_NO_FATAL_FAILURE(approve(3, 1));  // one base unit left to the venue
  trade_round(8);
  const int64_t owed = journal_->collateral(3).raw - DESK_COLLATERAL;
  ASSERT_LT(owed, 0) << "desk 3 must owe in this mix";
  SettleRun r = run_to_idle();
  ASSERT_EQ(r.rc, 0) << log();
  EXPECT_EQ(r.status["quarantined_now"], 1);
  EXPECT_EQ(r.status["quarantines"], 1);
  bool reported = false;
  for (const json& a : r.status["accounts"]) {
    if (a["account"] != 3) continue;
    reported = a["quarantined"].get<bool>();
    EXPECT_NE(a["reason"].get<std::string>().find("allowance"), std::string::npos) << a.dump();
    EXPECT_EQ(a["unsettled"], owed);  // carried, not lost
  }
  EXPECT_TRUE(reported);
  EXPECT_NE(log().find("event=settlement_quarantine account=3"), std::string::npos);
  EXPECT_TRUE(r.reconcile["ok"].get<bool>()) << r.reconcile.dump();
  expect_mirrored({3});
  // The desk approves again; the bridge's re-check releases it and its carry settles.
  ASSERT_NO_FATAL_FAILURE(approve(3, 50'000 * USDC));
  r = run_to_idle();
  ASSERT_EQ(r.rc, 0) << log();
  EXPECT_EQ(r.status["quarantined_now"], 0);
  EXPECT_NE(log().find("event=settlement_released account=3"), std::string::npos);
  EXPECT_FALSE(query(store(),
                     "SELECT released_at FROM quarantine_log WHERE account = 3 AND"
                     " released_at IS NOT NULL")
                   .empty());
  EXPECT_TRUE(r.reconcile["ok"].get<bool>()) << r.reconcile.dump();
  expect_mirrored();
}

TEST_F(BridgeTest, ARevokedDelegationIsFoundBySimulationWhenThePreCheckIsOff) {
  ASSERT_NO_FATAL_FAILURE(start(4));
  ASSERT_NO_FATAL_FAILURE(approve(2, 0));  // revoke
  trade_round(8);
  ASSERT_LT(journal_->collateral(2).raw, DESK_COLLATERAL) << "desk 2 must owe in this mix";
  const SettleRun r = run_to_idle({"--no-precheck", "--recheck-ms", "600000"});
  ASSERT_EQ(r.rc, 0) << log();
  EXPECT_EQ(r.status["quarantined_now"], 1);
  EXPECT_EQ(r.status["versions_failed"], 0);  // caught before anything was signed
  for (const json& a : r.status["accounts"]) {
    if (a["account"] == 2) {
      EXPECT_TRUE(a["quarantined"].get<bool>());
      EXPECT_NE(a["reason"].get<std::string>().find("simulation"), std::string::npos) << a.dump();
    }
  }
  expect_mirrored({2});
  // Its fills are still in the anchored batches, reported as deferred on its side.
  bool deferred = false;
  for (const json& c : r.confirmed)
    for (const json& f : c.value("fill_list", json::array()))
      for (const char* side : {"maker", "taker"})
        if (f[side]["account"] == 2) deferred = deferred || f[side]["status"] == "deferred";
  EXPECT_TRUE(deferred);
  expect_anchored(r.confirmed);
}

}  // namespace
}  // namespace qd::bridge_test
