// The Solana primitives and RPC client against the local chain (settlement/localnet): a mint,
// token accounts, a delegate approval, then settlement-shaped transactions (TransferChecked by
// the delegate, memo, compute budget) landed through RpcClient, legacy and v0 with a lookup
// table, and a failing transfer whose preflight error comes back structured.

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "settlement/solana/keypair.hpp"
#include "settlement/solana/merkle.hpp"
#include "settlement/solana/message.hpp"
#include "settlement/solana/programs.hpp"
#include "settlement/solana/rpc_client.hpp"
#include "settlement/solana/sha256.hpp"
#include "settlement/solana/transaction.hpp"

extern char** environ;

namespace qd::solana {
namespace {

using namespace std::chrono_literals;

// Runs `node server.js --port 0` and reads the URL it prints; stops it on destruction.
class Localnet {
 public:
  Localnet() {
    int out[2];
    if (::pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::string node = QD_NODE_EXECUTABLE, server = QD_LOCALNET_SERVER;
    std::string port = "--port", zero = "0", block = "--block-ms", ms = "50", quiet = "--quiet";
    char* argv[] = {node.data(),  server.data(), port.data(),  zero.data(),
                    block.data(), ms.data(),     quiet.data(), nullptr};
    if (posix_spawn(&pid_, node.c_str(), &actions, nullptr, argv, environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    out_ = out[0];
    if (pid_ > 0) read_url();
  }
  ~Localnet() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
        std::this_thread::sleep_for(50ms);
      }
      if (::waitpid(pid_, &status, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
    if (out_ >= 0) ::close(out_);
  }
  const std::string& url() const { return url_; }
  const std::string& startup_output() const { return seen_; }

 private:
  void read_url() {
    const std::string marker = "listening on ";
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    char buf[512];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      const ssize_t n = ::read(out_, buf, sizeof buf);
      if (n <= 0) return;  // exited
      seen_.append(buf, static_cast<size_t>(n));
      const size_t at = seen_.find(marker);
      const size_t eol = at == std::string::npos ? at : seen_.find('\n', at);
      if (eol != std::string::npos) {
        url_ = seen_.substr(at + marker.size(), eol - at - marker.size());
        return;
      }
    }
  }
  pid_t pid_ = -1;
  int out_ = -1;
  std::string url_;
  std::string seen_;
};

constexpr uint8_t kDecimals = 6;  // USDC's

class LocalnetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(chain_.url().empty())
        << "localnet did not start (node " << QD_NODE_EXECUTABLE << ", " << QD_LOCALNET_SERVER
        << "; run scripts/setup.sh for its npm packages). Output: " << chain_.startup_output();
    auto c = RpcClient::create(chain_.url());
    ASSERT_TRUE(c.ok()) << c.error().message;
    client_.emplace(std::move(c).value());
  }

  RpcClient& rpc() { return *client_; }

  // Polls until the signature is confirmed; returns its err (null on success).
  nlohmann::json wait_confirmed(const Signature& sig) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto st = rpc().get_signature_statuses(std::span(&sig, 1), true);
      EXPECT_TRUE(st.ok()) << st.error().message;
      if (st.ok() && st.value()[0].has_value()) {
        const auto& s = *st.value()[0];
        if (s.confirmation_status == "confirmed" || s.confirmation_status == "finalized") {
          return s.err;
        }
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "signature " << sig.to_base58() << " not confirmed in 30 s";
    return "timeout";
  }

  // Builds, signs, sends (with preflight) and waits for a transaction.
  Signature land(std::span<const Instruction> ixs, std::vector<const Keypair*> signers,
                 std::span<const AddressLookupTableAccount> tables = {}, bool v0 = false) {
    auto bh = rpc().get_latest_blockhash(Commitment::Confirmed);
    EXPECT_TRUE(bh.ok()) << bh.error().message;
    auto m = v0 ? compile_v0_message(signers[0]->pubkey(), ixs, bh.value().blockhash, tables)
                : compile_legacy_message(signers[0]->pubkey(), ixs, bh.value().blockhash);
    EXPECT_TRUE(m.ok()) << m.error().message;
    Transaction tx = Transaction::unsigned_of(m.value());
    EXPECT_TRUE(tx.sign(signers).ok());
    EXPECT_TRUE(tx.check_limits().ok()) << tx.check_limits().error().message;
    SendOptions send;
    send.preflight_commitment = Commitment::Confirmed;
    auto sig = rpc().send_transaction(tx.serialize(), send);
    EXPECT_TRUE(sig.ok()) << sig.error().message << " " << sig.error().data.dump();
    if (!sig.ok()) return Signature{};
    EXPECT_EQ(sig.value(), tx.id());  // the node's id is the fee payer's signature
    EXPECT_TRUE(wait_confirmed(sig.value()).is_null());
    return sig.value();
  }

  void fund(const Pubkey& who, uint64_t lamports) {
    auto sig = rpc().request_airdrop(who, lamports);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_TRUE(wait_confirmed(sig.value()).is_null());
  }

  // A mint with kDecimals, the venue's vault account, and n desks each holding `balance` with
  // the venue approved as delegate for `allowance`.
  void set_up_market(size_t desks, uint64_t balance, uint64_t allowance) {
    fund(venue_.pubkey(), 10'000'000'000);
    auto rent =
        rpc().get_minimum_balance_for_rent_exemption(TOKEN_MINT_SIZE, Commitment::Confirmed);
    ASSERT_TRUE(rent.ok()) << rent.error().message;
    const Instruction create_mint[] = {
        system_create_account(venue_.pubkey(), mint_.pubkey(), rent.value(), TOKEN_MINT_SIZE,
                              token_program_id()),
        token_initialize_mint2(mint_.pubkey(), kDecimals, venue_.pubkey(), std::nullopt),
        create_associated_token_account_idempotent(venue_.pubkey(), venue_.pubkey(),
                                                   mint_.pubkey())};
    land(create_mint, {&venue_, &mint_});
    vault_ = associated_token_address(venue_.pubkey(), mint_.pubkey());
    for (size_t i = 0; i < desks; ++i) {
      desks_.push_back(Keypair::generate());
      const Keypair& desk = desks_.back();
      const Pubkey ata = associated_token_address(desk.pubkey(), mint_.pubkey());
      desk_atas_.push_back(ata);
      const Instruction setup[] = {
          create_associated_token_account_idempotent(venue_.pubkey(), desk.pubkey(),
                                                     mint_.pubkey()),
          token_mint_to_checked(mint_.pubkey(), ata, venue_.pubkey(), balance, kDecimals),
          token_approve_checked(ata, mint_.pubkey(), venue_.pubkey(), desk.pubkey(), allowance,
                                kDecimals)};
      land(setup, {&venue_, &desk});  // the venue pays; the desk signs its approval
    }
  }

  uint64_t token_balance(const Pubkey& account) {
    auto b = rpc().get_token_account_balance(account, Commitment::Confirmed);
    EXPECT_TRUE(b.ok()) << b.error().message;
    if (b.ok()) {
      EXPECT_EQ(b.value().decimals, kDecimals);
    }
    return b.ok() ? b.value().amount : 0;
  }

  std::string batch_memo(uint64_t batch, std::span<const Bytes> fills) {
    return "qd-settle v1 batch=" + std::to_string(batch) +
           " fills=" + std::to_string(fills.size()) + " root=" + to_hex(merkle_root(fills).span());
  }

  Localnet chain_;
  std::optional<RpcClient> client_;
  Keypair venue_ = Keypair::generate();
  Keypair mint_ = Keypair::generate();
  Pubkey vault_;
  std::vector<Keypair> desks_;
  std::vector<Pubkey> desk_atas_;
};

TEST_F(LocalnetTest, ChainBasics) {
  // Height first: blocks keep coming, and a slot is never below the height before it.
  auto height = rpc().get_block_height(Commitment::Processed);
  ASSERT_TRUE(height.ok()) << height.error().message;
  auto slot = rpc().get_slot(Commitment::Processed);
  ASSERT_TRUE(slot.ok()) << slot.error().message;
  EXPECT_LE(height.value(), slot.value());
  auto bh = rpc().get_latest_blockhash(Commitment::Finalized);
  ASSERT_TRUE(bh.ok()) << bh.error().message;
  EXPECT_GT(bh.value().last_valid_block_height, 0u);
  EXPECT_FALSE(bh.value().blockhash.is_zero());

  const Keypair someone = Keypair::generate();
  EXPECT_EQ(rpc().get_balance(someone.pubkey(), Commitment::Confirmed).value(), 0u);
  EXPECT_FALSE(rpc().get_account_info(someone.pubkey(), Commitment::Confirmed).value());
  fund(someone.pubkey(), 1'500'000'000);
  EXPECT_EQ(rpc().get_balance(someone.pubkey(), Commitment::Confirmed).value(), 1'500'000'000u);
  auto fees = rpc().get_recent_prioritization_fees();
  ASSERT_TRUE(fees.ok()) << fees.error().message;
}

TEST_F(LocalnetTest, LandsADelegatedTransferCheckedWithMemo) {
  ASSERT_NO_FATAL_FAILURE(set_up_market(1, 5'000'000, 3'000'000));  // 5 USDC, 3 approved
  const Bytes fills[] = {Bytes{1, 2, 3}, Bytes{4, 5, 6}};
  auto memo_ix = memo(batch_memo(1, fills));
  ASSERT_TRUE(memo_ix.ok());
  const Instruction ixs[] = {
      set_compute_unit_limit(50'000), set_compute_unit_price(1'000), memo_ix.value(),
      // Collect 1.25 USDC from the desk into the vault, signed by the venue as delegate.
      token_transfer_checked(desk_atas_[0], mint_.pubkey(), vault_, venue_.pubkey(), 1'250'000,
                             kDecimals)};
  const Signature sig = land(ixs, {&venue_});
  EXPECT_FALSE(sig.is_zero());
  EXPECT_EQ(token_balance(desk_atas_[0]), 3'750'000u);
  EXPECT_EQ(token_balance(vault_), 1'250'000u);

  auto mint_info = rpc().get_account_info(mint_.pubkey(), Commitment::Confirmed);
  ASSERT_TRUE(mint_info.ok()) << mint_info.error().message;
  ASSERT_TRUE(mint_info.value().has_value());
  EXPECT_EQ(mint_info.value()->owner, token_program_id());
  ASSERT_EQ(mint_info.value()->data.size(), TOKEN_MINT_SIZE);
  EXPECT_EQ(mint_info.value()->data[44], kDecimals);  // Mint layout: decimals at byte 44
  EXPECT_EQ(rpc().connections_opened(), 1u);          // every call above on one connection
}

TEST_F(LocalnetTest, TransferBeyondTheAllowanceFailsPreflightWithDetails) {
  ASSERT_NO_FATAL_FAILURE(set_up_market(1, 5'000'000, 1'000'000));
  auto bh = rpc().get_latest_blockhash(Commitment::Confirmed);
  ASSERT_TRUE(bh.ok());
  const Instruction ixs[] = {token_transfer_checked(desk_atas_[0], mint_.pubkey(), vault_,
                                                    venue_.pubkey(), 2'000'000, kDecimals)};
  Transaction tx = Transaction::unsigned_of(
      compile_legacy_message(venue_.pubkey(), ixs, bh.value().blockhash).value());
  const Keypair* signers[] = {&venue_};
  ASSERT_TRUE(tx.sign(signers).ok());

  auto sim = rpc().simulate_transaction(tx.serialize(),
                                        SimulateOptions{true, false, Commitment::Confirmed});
  ASSERT_TRUE(sim.ok()) << sim.error().message;
  EXPECT_FALSE(sim.value().err.is_null());
  EXPECT_FALSE(sim.value().logs.empty());

  auto sent = rpc().send_transaction(tx.serialize());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, RpcError::Kind::Rpc);
  EXPECT_EQ(sent.error().code, -32002);  // preflight failure
  EXPECT_TRUE(sent.error().data.contains("err")) << sent.error().data.dump();
  EXPECT_EQ(token_balance(desk_atas_[0]), 5'000'000u);
}

TEST_F(LocalnetTest, V0BatchThroughALookupTable) {
  constexpr size_t kDesks = 6;
  ASSERT_NO_FATAL_FAILURE(set_up_market(kDesks, 2'000'000, 2'000'000));
  auto slot = rpc().get_slot(Commitment::Finalized);
  ASSERT_TRUE(slot.ok());
  const CreateLookupTable create =
      create_lookup_table(venue_.pubkey(), venue_.pubkey(), slot.value());
  std::vector<Pubkey> addresses = {vault_, mint_.pubkey()};
  addresses.insert(addresses.end(), desk_atas_.begin(), desk_atas_.end());
  auto extend = extend_lookup_table(create.table, venue_.pubkey(), venue_.pubkey(), addresses);
  ASSERT_TRUE(extend.ok());
  const Instruction table_ixs[] = {create.instruction, extend.value()};
  land(table_ixs, {&venue_});

  auto table_account = rpc().get_account_info(create.table, Commitment::Confirmed);
  ASSERT_TRUE(table_account.ok() && table_account.value().has_value());
  EXPECT_EQ(table_account.value()->owner, address_lookup_table_program_id());
  EXPECT_EQ(table_account.value()->data.size(), 56u + 32 * addresses.size());  // meta + keys
  // Addresses added in a slot become usable from the next one.
  const uint64_t extended_at = rpc().get_slot(Commitment::Confirmed).value();
  while (rpc().get_slot(Commitment::Confirmed).value() <= extended_at) {
    std::this_thread::sleep_for(20ms);
  }

  const Bytes fills[] = {Bytes{9}};
  std::vector<Instruction> ixs = {set_compute_unit_limit(200'000), set_compute_unit_price(10),
                                  memo(batch_memo(2, fills)).value()};
  for (size_t i = 0; i < kDesks; ++i) {
    ixs.push_back(i % 2 == 0 ? token_transfer_checked(desk_atas_[i], mint_.pubkey(), vault_,
                                                      venue_.pubkey(), 500'000, kDecimals)
                             : token_transfer_checked(vault_, mint_.pubkey(), desk_atas_[i],
                                                      venue_.pubkey(), 0, kDecimals));
  }
  const AddressLookupTableAccount table{create.table, addresses};
  land(ixs, {&venue_}, std::span(&table, 1), /*v0=*/true);
  EXPECT_EQ(token_balance(vault_), 1'500'000u);
  EXPECT_EQ(token_balance(desk_atas_[0]), 1'500'000u);
  EXPECT_EQ(token_balance(desk_atas_[1]), 2'000'000u);
}

}  // namespace
}  // namespace qd::solana
