// SettlementBridge, confirmations: reading signature statuses, proving a version expired,
// handling a version that landed with an error, booking finalized parts, and announcing
// confirmed batches with each fill's merkle proof.
#include <spdlog/spdlog.h>

#include "settlement/bridge/batch_proofs.hpp"
#include "settlement/bridge/bridge_impl.hpp"
#include "settlement/solana/merkle.hpp"
#include "settlement/solana/sha256.hpp"

namespace qd::settlement {

namespace {

using nlohmann::json;
using solana::Commitment;

constexpr auto HEIGHT_REFRESH = std::chrono::milliseconds(500);
constexpr auto RETRY_AFTER_FAILURE = std::chrono::seconds(2);

/// The key at position i of a compiled message, looked up tables included.
std::optional<solana::Pubkey> key_at(const solana::Message& m, size_t i,
                                     const solana::AddressLookupTableAccount* table) {
  if (i < m.account_keys.size()) return m.account_keys[i];
  i -= m.account_keys.size();
  std::vector<solana::Pubkey> loaded;
  for (bool writable : {true, false}) {
    for (const auto& l : m.address_table_lookups) {
      if (!table || l.account_key != table->key) return std::nullopt;
      for (uint8_t k : writable ? l.writable_indexes : l.readonly_indexes) {
        if (k >= table->addresses.size()) return std::nullopt;
        loaded.push_back(table->addresses[k]);
      }
    }
  }
  if (i < loaded.size()) return loaded[i];
  return std::nullopt;
}

}  // namespace

void SettlementBridge::Impl::poll_statuses() {
  struct Ref {
    BatchRow* b;
    PartRow* p;
  };
  std::vector<Ref> refs;
  std::vector<solana::Signature> sigs;
  for (BatchRow& b : batches) {
    for (PartRow& p : b.parts) {
      if (p.state != PartState::signed_ && p.state != PartState::confirmed &&
          p.state != PartState::failed)
        continue;
      auto sig = solana::Signature::from_base58(p.signature);
      if (!sig) throw std::runtime_error("settlement store: bad signature " + p.signature);
      refs.push_back({&b, &p});
      sigs.push_back(sig.value());
    }
  }
  if (refs.empty()) return;
  std::vector<std::optional<solana::SignatureStatus>> statuses;
  for (size_t at = 0; at < sigs.size(); at += solana::MAX_SIGNATURE_STATUSES) {
    const size_t n = std::min(solana::MAX_SIGNATURE_STATUSES, sigs.size() - at);
    auto st = rpc->get_signature_statuses(std::span(sigs).subspan(at, n), false);
    if (!st) return set_error("getSignatureStatuses: " + st.error().message);
    statuses.insert(statuses.end(), st.value().begin(), st.value().end());
  }
  // Unknown to the recent status cache: landed parts that aged out of it, and live versions
  // that may have expired. Both are settled by a search of the transaction history.
  std::vector<size_t> unknown;
  bool need_height = false;
  for (size_t i = 0; i < refs.size(); ++i) {
    if (statuses[i]) continue;
    if (refs[i].p->state != PartState::signed_) {
      unknown.push_back(i);
    } else {
      need_height = true;
    }
  }
  if (need_height && std::chrono::steady_clock::now() - height_at >= HEIGHT_REFRESH) {
    auto h = rpc->get_block_height(Commitment::Finalized);
    if (!h) return set_error("getBlockHeight: " + h.error().message);
    finalized_height = h.value();
    height_at = std::chrono::steady_clock::now();
  }
  for (size_t i = 0; i < refs.size(); ++i) {
    if (!statuses[i] && refs[i].p->state == PartState::signed_ &&
        finalized_height > refs[i].p->last_valid_block_height)
      unknown.push_back(i);  // expired by height: confirm it never landed
  }
  if (!unknown.empty()) {
    std::vector<solana::Signature> again;
    for (size_t i : unknown) again.push_back(sigs[i]);
    for (size_t at = 0; at < again.size(); at += solana::MAX_SIGNATURE_STATUSES) {
      const size_t n = std::min(solana::MAX_SIGNATURE_STATUSES, again.size() - at);
      auto st = rpc->get_signature_statuses(std::span(again).subspan(at, n), true);
      if (!st) return set_error("getSignatureStatuses: " + st.error().message);
      for (size_t k = 0; k < n; ++k) statuses[unknown[at + k]] = st.value()[k];
    }
  }
  for (size_t i = 0; i < refs.size(); ++i) {
    BatchRow& b = *refs[i].b;
    PartRow& p = *refs[i].p;
    LiveInfo& li = live[{b.batch_id, p.part}];
    if (!statuses[i]) {
      if (p.state == PartState::signed_ && finalized_height > p.last_valid_block_height &&
          std::find(unknown.begin(), unknown.end(), i) != unknown.end()) {
        // Every block that could hold it is finalized and the history search finds nothing:
        // this version can never land. Only now may another be signed.
        store->end_version(b.batch_id, p, "expired", wall_ms());
        spdlog::warn(
            "event=settlement_part_expired batch={} part={} version={} signature={} "
            "last_valid_block_height={} finalized_height={}",
            b.batch_id, p.part, p.version, p.signature, p.last_valid_block_height,
            finalized_height);
        p.state = PartState::open;
        p.signature.clear();
        p.tx.clear();
        li = LiveInfo{};
        ++counters.versions_expired;
      }
      continue;
    }
    const solana::SignatureStatus& s = *statuses[i];
    li.seen = true;
    if (!s.err.is_null()) {
      if (p.state != PartState::failed) {
        p.state = PartState::failed;
        p.err = s.err.dump();
        p.landed_slot = s.slot;
        store->set_part_landed(b.batch_id, p);
        spdlog::warn("event=settlement_part_failed batch={} part={} version={} signature={} err={}",
                     b.batch_id, p.part, p.version, p.signature, p.err);
      }
      if (s.confirmation_status == "finalized") handle_failed(b, p);
      continue;
    }
    if (s.confirmation_status == "finalized") {
      store->finalize_part(b.batch_id, p.part, s.slot, wall_ms());
      for (TransferRow& t : b.transfers) {
        if (t.part != p.part || t.state != TransferState::pending) continue;
        t.state = TransferState::settled;
        rows[t.account].account = t.account;
        rows[t.account].booked += t.amount;
        ++counters.transfers_finalized;
      }
      p.state = PartState::finalized;
      p.landed_slot = s.slot;
      spdlog::info("event=settlement_part_finalized batch={} part={} signature={} slot={}",
                   b.batch_id, p.part, p.signature, s.slot);
      continue;
    }
    const bool at_commitment =
        opt.commitment == Commitment::Processed ||
        (opt.commitment == Commitment::Confirmed && s.confirmation_status == "confirmed");
    if (at_commitment && p.state == PartState::signed_) {
      p.state = PartState::confirmed;
      p.landed_slot = s.slot;
      store->set_part_landed(b.batch_id, p);
      spdlog::info("event=settlement_part_confirmed batch={} part={} signature={} slot={}",
                   b.batch_id, p.part, p.signature, s.slot);
    }
  }
}

void SettlementBridge::Impl::handle_failed(BatchRow& b, PartRow& p) {
  // The failing instruction is read from the bytes that landed, so the answer does not depend
  // on what this process remembers (a crash between the two writes below repeats it safely).
  std::optional<AccountId> culprit;
  const json err = json::parse(p.err, nullptr, false);
  const auto idx = failing_instruction(err);
  auto tx = solana::Transaction::deserialize(p.tx);
  if (idx && tx && *idx >= FIRST_TRANSFER_INSTRUCTION &&
      *idx < tx.value().message.instructions.size()) {
    const solana::Message& m = tx.value().message;
    const solana::CompiledInstruction& ci = m.instructions[*idx];
    const solana::AddressLookupTableAccount* tbl = table ? &*table : nullptr;
    for (size_t pos : {size_t(0), size_t(2)}) {  // TransferChecked: source, mint, dest, authority
      if (pos >= ci.accounts.size()) continue;
      const auto key = key_at(m, ci.accounts[pos], tbl);
      if (!key || *key == keys.vault) continue;
      for (const auto& [id, k] : token_accounts)
        if (k == *key) culprit = id;
    }
  }
  if (culprit) return_transfer(b, *culprit, "landed failure: " + p.err);
  store->end_version(b.batch_id, p, "failed", wall_ms());
  ++counters.versions_failed;
  LiveInfo& li = live[{b.batch_id, p.part}];
  li = LiveInfo{};
  if (!culprit) {
    li.retry_after = std::chrono::steady_clock::now() + RETRY_AFTER_FAILURE;
    set_error("batch " + std::to_string(b.batch_id) + " part " + std::to_string(p.part) +
              " failed on chain, not attributable to one transfer: " + p.err);
  }
  p.state = PartState::open;
  p.signature.clear();
  p.tx.clear();
}

void SettlementBridge::Impl::advance_batches() {
  for (BatchRow& b : batches) {
    bool all_landed = !b.parts.empty(), all_final = !b.parts.empty();
    for (const PartRow& p : b.parts) {
      if (p.state != PartState::confirmed && p.state != PartState::finalized) all_landed = false;
      if (p.state != PartState::finalized) all_final = false;
    }
    if (b.state == BatchState::planned && all_landed) {
      store->set_batch_state(b.batch_id, BatchState::confirmed, wall_ms());
      b.state = BatchState::confirmed;
      ++counters.batches_confirmed;
      spdlog::info("event=settlement_batch_confirmed batch={} parts={} fills={}", b.batch_id,
                   b.parts.size(), b.fill_count);
    }
    if (b.state == BatchState::confirmed && all_final) {
      store->set_batch_state(b.batch_id, BatchState::finalized, wall_ms());
      b.state = BatchState::finalized;
      ++counters.batches_finalized;
      counters.fills_finalized += b.fill_count;
      spdlog::info("event=settlement_batch_finalized batch={}", b.batch_id);
    }
    if ((b.state == BatchState::confirmed || b.state == BatchState::finalized) && !b.notified) {
      notify(b);
      store->set_notified(b.batch_id);
      b.notified = true;
    }
  }
  std::erase_if(batches, [this](const BatchRow& b) {
    if (b.state != BatchState::finalized || !b.notified) return false;
    for (const PartRow& p : b.parts) live.erase({b.batch_id, p.part});
    live.erase({b.batch_id, 0});
    return true;
  });
}

void SettlementBridge::Impl::notify(BatchRow& b) {
  if (listeners.empty()) return;
  BatchConfirmation c;
  c.batch_id = b.batch_id;
  c.merkle_root_hex = solana::to_hex(b.root.span());
  c.fill_count = b.fill_count;
  c.part_count = uint32_t(b.parts.size());
  c.from_seq = b.from_seq;
  c.to_seq = b.to_seq;
  std::map<uint32_t, std::string> sig_of;
  for (const PartRow& p : b.parts) {
    c.parts.push_back({p.part, p.signature, p.landed_slot});
    sig_of[p.part] = p.signature;
  }
  const std::string anchor = b.parts.empty() ? std::string() : b.parts.front().signature;
  for (const TransferRow& t : b.transfers) {
    if (t.state != TransferState::returned)
      c.transfers.push_back({t.account, t.amount, sig_of[t.part]});
  }
  auto side = [&](AccountId account) {
    for (const TransferRow& t : b.transfers) {
      if (t.account != account) continue;
      if (t.state == TransferState::returned)
        return FillSideSettlement{account, anchor, SideSettlement::deferred};
      return FillSideSettlement{account, sig_of[t.part], SideSettlement::transferred};
    }
    return FillSideSettlement{
        account, anchor,
        settleable(account) ? SideSettlement::netted_zero : SideSettlement::deferred};
  };
  const std::vector<solana::Bytes> fills = store->load_fill_bytes(b.batch_id);
  std::vector<solana::Hash> leaves;
  for (const solana::Bytes& f : fills) leaves.push_back(solana::merkle_leaf_hash(f));
  const std::vector<solana::MerkleProof> proofs = all_merkle_proofs(leaves);
  for (size_t i = 0; i < fills.size(); ++i) {
    auto f = parse_fill_bytes(fills[i]);
    if (!f) continue;
    SettledFill sf;
    sf.fill = *f;
    sf.leaf_index = i;
    sf.fill_bytes_hex = solana::to_hex(fills[i]);
    for (const solana::Hash& h : proofs[i].siblings) sf.proof_hex += solana::to_hex(h.span());
    sf.maker = side(f->maker_account);
    sf.taker = side(f->taker_account);
    c.fills.push_back(std::move(sf));
  }
  for (SettlementListener* l : listeners) {
    try {
      l->on_batch_confirmed(c);
    } catch (const std::exception& e) {
      spdlog::error("event=settlement_listener_error batch={} error=\"{}\"", b.batch_id, e.what());
    }
  }
}

}  // namespace qd::settlement
