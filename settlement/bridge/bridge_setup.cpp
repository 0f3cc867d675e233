// SettlementBridge: setting up (manifest, keys, store, journal, lookup table), quarantine
// re-checks and releases, and reconciliation.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

#include "settlement/bridge/bridge_impl.hpp"
#include "settlement/solana/base64.hpp"
#include "settlement/solana/programs.hpp"

namespace qd::settlement {

namespace {

using nlohmann::json;
using solana::Commitment;

/// Address lookup table account layout: 56 bytes of metadata, then 32-byte addresses.
constexpr size_t LOOKUP_TABLE_META_SIZE = 56;
/// Addresses per ExtendLookupTable transaction (20 * 32 bytes keeps well inside a packet).
constexpr size_t EXTEND_CHUNK = 20;

}  // namespace

std::vector<std::optional<TokenAccount>> SettlementBridge::Impl::fetch_token_accounts(
    const std::vector<solana::Pubkey>& keys_in) {
  std::vector<std::optional<TokenAccount>> out;
  for (size_t at = 0; at < keys_in.size(); at += 100) {  // the RPC's per-call limit
    json list = json::array();
    for (size_t i = at; i < std::min(keys_in.size(), at + 100); ++i)
      list.push_back(keys_in[i].to_base58());
    auto r = rpc->call("getMultipleAccounts",
                       json::array({list, {{"encoding", "base64"}, {"commitment", "processed"}}}));
    if (!r) throw std::runtime_error("getMultipleAccounts: " + r.error().message);
    const json& v = r.value().at("value");
    if (!v.is_array() || v.size() != list.size())
      throw std::runtime_error("getMultipleAccounts: not one entry per account");
    for (const json& e : v) {
      std::optional<TokenAccount> t;
      if (e.is_object() && e.contains("data") && e["data"].is_array() && !e["data"].empty() &&
          e.value("owner", std::string()) == solana::token_program_id().to_base58()) {
        auto raw = solana::base64_decode(e["data"][0].get<std::string>());
        if (raw) t = decode_token_account(raw.value());
      }
      out.push_back(t);
    }
  }
  return out;
}

bool SettlementBridge::Impl::init() {
  auto m = load_manifest(opt.manifest_path);
  if (!m) {
    set_error(m.error().message);
    return false;
  }
  const Manifest& man = m.value();
  if (man.decimals != QUOTE_DECIMALS) {
    set_error("manifest " + opt.manifest_path + ": mint has " + std::to_string(man.decimals) +
              " decimals; collateral is kept in 1e-6 USDC, so it must have 6");
    return false;
  }
  auto kp = solana::Keypair::load_file(man.authority_keypair);
  if (!kp) {
    set_error(kp.error().message);
    return false;
  }
  if (kp.value().pubkey() != man.authority) {
    set_error("authority keypair " + man.authority_keypair + " is not the manifest's authority");
    return false;
  }
  const std::string url = opt.rpc_url.empty() ? man.rpc_url : opt.rpc_url;
  auto client = solana::RpcClient::create(url, opt.rpc);
  if (!client) {
    set_error("rpc url '" + url + "': " + client.error().message);
    return false;
  }
  rpc.emplace(std::move(client).value());
  if (!man.genesis_hash.empty()) {
    auto g = rpc->call("getGenesisHash", json::array());
    if (!g) {
      set_error("chain at " + url + " not reachable: " + g.error().message);
      return false;
    }
    if (!g.value().is_string() || g.value().get<std::string>() != man.genesis_hash) {
      set_error("manifest " + opt.manifest_path + " was made for another chain (genesis " +
                man.genesis_hash + "): run the setup again");
      return false;
    }
  }
  if (!std::filesystem::exists(opt.journal_path)) {
    set_error("journal " + opt.journal_path + " does not exist yet");
    return false;
  }
  journal = std::make_unique<JournalReader>(opt.journal_path);
  store = std::make_unique<SettlementStore>(opt.store_path);
  // The store belongs to one mint, vault and authority: never mix two chains' books.
  for (const auto& [key, value] :
       {std::pair{"mint", man.mint.to_base58()}, std::pair{"vault", man.vault.to_base58()},
        std::pair{"authority", man.authority.to_base58()}}) {
    const auto existing = store->meta(key);
    if (existing && *existing != value) {
      set_error("settlement store " + opt.store_path + " belongs to " + key + " " + *existing +
                ", the manifest names " + value);
      store.reset();
      return false;
    }
    if (!existing) store->set_meta(key, value);
  }
  keys = SettlementKeys{man.authority, man.mint, man.vault, man.decimals};
  token_accounts.clear();
  names.clear();
  for (const BridgeAccount& a : opt.accounts) {
    names[a.number] = a.id;
    auto it = man.accounts.find(a.id);
    if (it != man.accounts.end()) {
      token_accounts[a.number] = it->second.token_account;
    } else {
      spdlog::warn("event=settlement_no_token_account account={} id={}", a.number, a.id);
    }
  }
  store->record_account_names(names);
  rows = store->load_accounts();
  std::map<AccountId, AccountLedger> ledgers;
  for (const auto& [id, r] : rows) ledgers[id] = r.ledger;
  outbox = Outbox(store->cursor(), std::move(ledgers));
  batches = store->load_unfinished();
  live.clear();
  manifest = man;
  authority.emplace(std::move(kp).value());
  if (token_accounts.size() > opt.legacy_max_accounts) ensure_lookup_table();
  if (const auto v = store->meta("vault_start_balance")) {
    vault_start = std::stoll(*v);
  } else {
    auto bal = rpc->get_token_account_balance(keys.vault, Commitment::Finalized);
    if (!bal) throw std::runtime_error("vault balance: " + bal.error().message);
    vault_start = int64_t(bal.value().amount);
    store->set_meta("vault_start_balance", std::to_string(vault_start));
  }
  const auto now = std::chrono::steady_clock::now();
  open_since = carry_since = last_checkpoint = now;
  last_recheck = SteadyTime{};  // quarantined accounts are looked at again right away
  last_error.clear();
  spdlog::info(
      "event=settlement_ready rpc={} store={} journal={} cursor={} accounts={} "
      "unfinished_batches={}"
      " lookup_table={}",
      url, opt.store_path, opt.journal_path, outbox.cursor(), token_accounts.size(), batches.size(),
      table ? table->key.to_base58() : std::string("none"));
  return true;
}

solana::Result<uint64_t> SettlementBridge::Impl::land_simple(
    std::span<const solana::Instruction> ixs) {
  auto bh = rpc->get_latest_blockhash(opt.commitment);
  if (!bh) return solana::Error{"getLatestBlockhash: " + bh.error().message};
  auto msg = solana::compile_legacy_message(keys.authority, ixs, bh.value().blockhash);
  if (!msg) return msg.error();
  solana::Transaction tx = solana::Transaction::unsigned_of(std::move(msg).value());
  const solana::Keypair* signers[] = {&*authority};
  if (auto s = tx.sign(signers); !s) return s.error();
  solana::SendOptions so;
  so.preflight_commitment = opt.commitment;
  auto sent = rpc->send_transaction(tx.serialize(), so);
  if (!sent) return solana::Error{"sendTransaction: " + sent.error().message};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && !stopping()) {
    auto st = rpc->get_signature_statuses(std::span(&tx.id(), 1), true);
    if (st && st.value()[0]) {
      const solana::SignatureStatus& s = *st.value()[0];
      if (!s.err.is_null()) return solana::Error{"transaction failed: " + s.err.dump()};
      if (s.confirmation_status == "confirmed" || s.confirmation_status == "finalized")
        return s.slot;
    }
    auto h = rpc->get_block_height(Commitment::Processed);
    if (h && h.value() > bh.value().last_valid_block_height)
      return solana::Error{"transaction expired before landing"};
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return solana::Error{"transaction not confirmed in time"};
}

void SettlementBridge::Impl::ensure_lookup_table() {
  std::vector<solana::Pubkey> needed = {keys.vault, keys.mint};
  for (const auto& [id, key] : token_accounts) needed.push_back(key);
  std::optional<solana::Pubkey> key;
  std::vector<solana::Pubkey> present;
  if (const auto saved = store->meta("lookup_table")) {
    auto k = solana::Pubkey::from_base58(*saved);
    if (!k) throw std::runtime_error("settlement store lookup_table: " + k.error().message);
    auto info = rpc->get_account_info(k.value(), opt.commitment);
    if (!info) throw std::runtime_error("lookup table: " + info.error().message);
    if (info.value() && info.value()->owner == solana::address_lookup_table_program_id()) {
      key = k.value();
      const solana::Bytes& d = info.value()->data;
      for (size_t at = LOOKUP_TABLE_META_SIZE; at + 32 <= d.size(); at += 32)
        present.push_back(solana::Pubkey::from_bytes(std::span(d).subspan(at, 32)).value());
    }
  }
  if (!key) {
    // Recorded before it is sent; a table whose creation never landed is simply made again
    // (a new slot gives a new address).
    auto slot = rpc->get_slot(solana::Commitment::Finalized);
    if (!slot) throw std::runtime_error("getSlot: " + slot.error().message);
    const solana::CreateLookupTable create =
        solana::create_lookup_table(keys.authority, keys.authority, slot.value());
    store->set_meta("lookup_table", create.table.to_base58());
    auto landed = land_simple(std::span(&create.instruction, 1));
    if (!landed) throw std::runtime_error("creating the lookup table: " + landed.error().message);
    key = create.table;
    spdlog::info("event=settlement_lookup_table_created table={}", key->to_base58());
  }
  std::vector<solana::Pubkey> missing;
  for (const solana::Pubkey& k : needed)
    if (std::find(present.begin(), present.end(), k) == present.end()) missing.push_back(k);
  uint64_t last_slot = 0;
  for (size_t at = 0; at < missing.size(); at += EXTEND_CHUNK) {
    const std::span<const solana::Pubkey> chunk =
        std::span(missing).subspan(at, std::min(EXTEND_CHUNK, missing.size() - at));
    auto ix = solana::extend_lookup_table(*key, keys.authority, keys.authority, chunk);
    if (!ix) throw std::runtime_error("extending the lookup table: " + ix.error().message);
    auto landed = land_simple(std::span(&ix.value(), 1));
    if (!landed) throw std::runtime_error("extending the lookup table: " + landed.error().message);
    last_slot = landed.value();
    present.insert(present.end(), chunk.begin(), chunk.end());
  }
  // Addresses added in a slot can be looked up from the next one.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (last_slot != 0 && std::chrono::steady_clock::now() < deadline) {
    auto s = rpc->get_slot(opt.commitment);
    if (s && s.value() > last_slot) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  table = solana::AddressLookupTableAccount{*key, std::move(present)};
}

void SettlementBridge::Impl::quarantine(AccountId account, const std::string& reason) {
  AccountRow& r = rows[account];
  r.account = account;
  if (r.quarantined) return;
  r.quarantined = true;
  r.quarantine_reason = reason;
  r.quarantined_at_ms = wall_ms();
  ++counters.quarantines;
  spdlog::warn("event=settlement_quarantine account={} id={} reason=\"{}\"", account,
               names.count(account) ? names[account] : std::string(), reason);
}

void SettlementBridge::Impl::process_releases() {
  std::vector<AccountId> todo;
  {
    std::lock_guard lock(mu);
    todo.swap(releases);
  }
  for (AccountId a : todo) {
    auto it = rows.find(a);
    if (it == rows.end() || !it->second.quarantined) continue;
    store->release(a, wall_ms());
    it->second.quarantined = false;
    it->second.quarantine_reason.clear();
    carry_since = std::chrono::steady_clock::now();
    spdlog::info("event=settlement_released account={} by=admin", a);
  }
}

void SettlementBridge::Impl::recheck_quarantine() {
  std::vector<AccountId> ids;
  std::vector<solana::Pubkey> keys_to_read;
  for (const auto& [id, r] : rows) {
    if (!r.quarantined || !token_accounts.count(id)) continue;
    ids.push_back(id);
    keys_to_read.push_back(token_accounts[id]);
  }
  if (ids.empty()) return;
  std::vector<std::optional<TokenAccount>> accs;
  try {
    accs = fetch_token_accounts(keys_to_read);
  } catch (const std::exception& e) {
    set_error(e.what());
    return;
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto l = outbox.accounts().find(ids[i]);
    const int64_t owed = l == outbox.accounts().end() ? 0 : l->second.unsettled.raw;
    const uint64_t need = owed < 0 ? uint64_t(-owed) : 0;
    if (!transfer_problem(accs[i], keys.mint, keys.authority, need, need > 0).empty()) continue;
    store->release(ids[i], wall_ms());
    rows[ids[i]].quarantined = false;
    rows[ids[i]].quarantine_reason.clear();
    carry_since = std::chrono::steady_clock::now();
    spdlog::info("event=settlement_released account={} by=recheck carried={}", ids[i], owed);
  }
}

ReconcileReport SettlementBridge::reconcile() const {
  ReconcileReport rep;
  std::vector<AccountSettlement> accs;
  std::optional<Manifest> man;
  std::string url;
  int64_t vault_start = -1;
  {
    std::lock_guard lock(impl_->snap_mu);
    accs = impl_->snap_accounts;
    man = impl_->snap_manifest;
    url = impl_->snap_rpc_url;
    vault_start = impl_->snap_vault_start;
  }
  if (!man) {
    rep.error = "settlement is not set up yet";
    return rep;
  }
  auto client = solana::RpcClient::create(url, impl_->opt.rpc);
  if (!client) {
    rep.error = client.error().message;
    return rep;
  }
  rep.ok = true;
  int64_t booked_total = 0, pending_total = 0;
  for (const AccountSettlement& a : accs) {
    ReconcileLine line;
    line.account = a.account;
    line.name = a.name;
    line.token_account = a.token_account;
    line.expected = a.baseline.raw + a.booked.raw;
    line.pending = a.pending.raw;
    booked_total += a.booked.raw;
    pending_total += a.pending.raw;
    if (a.token_account.empty()) {
      line.error = "no token account in the manifest";
    } else {
      auto bal = client.value().get_token_account_balance(
          solana::Pubkey::from_base58(a.token_account).value(), Commitment::Finalized);
      if (bal)
        line.onchain = int64_t(bal.value().amount);
      else
        line.error = bal.error().message;
    }
    line.difference = line.onchain - line.expected;
    rep.lines.push_back(std::move(line));
  }
  ReconcileLine vault;
  vault.name = "vault";
  vault.token_account = man->vault.to_base58();
  vault.expected = vault_start - booked_total;
  vault.pending = -pending_total;
  auto bal = client.value().get_token_account_balance(man->vault, Commitment::Finalized);
  if (bal)
    vault.onchain = int64_t(bal.value().amount);
  else
    vault.error = bal.error().message;
  if (vault_start < 0) vault.error = "vault balance at start unknown";
  vault.difference = vault.onchain - vault.expected;
  rep.lines.push_back(std::move(vault));
  for (const ReconcileLine& l : rep.lines) {
    // A part that finalized between the snapshot and the balance read explains its amount.
    const bool explained = l.difference == 0 || l.difference == l.pending;
    if (l.error.empty() && explained) continue;
    rep.ok = false;
    spdlog::warn(
        "event=settlement_reconcile_difference account={} name={} onchain={} expected={} "
        "pending={} difference={} error=\"{}\"",
        l.account, l.name, l.onchain, l.expected, l.pending, l.difference, l.error);
  }
  return rep;
}

}  // namespace qd::settlement
