// SettlementBridge, the chain side: planning batches into parts (pre-check, split), signing a
// part's version (simulation, compute limit, priority fee), committing it before sending,
// re-sending the same bytes, reading statuses, proving expiry, handling landed failures, booking
// at finalized, and announcing confirmed batches.
#include <spdlog/spdlog.h>

#include "settlement/bridge/bridge_impl.hpp"
#include "settlement/solana/merkle.hpp"
#include "settlement/solana/sha256.hpp"

namespace qd::settlement {

namespace {

using nlohmann::json;
using solana::Commitment;

constexpr auto FEE_REFRESH = std::chrono::seconds(10);
constexpr auto RETRY_AFTER_ERROR = std::chrono::seconds(1);
/// A batch whose pre-check waits for earlier batches is looked at again after this.
constexpr auto PLAN_RETRY = std::chrono::milliseconds(200);

std::chrono::steady_clock::time_point now_steady() {
  return std::chrono::steady_clock::now();
}

bool landed_ok(PartState s) {
  return s == PartState::confirmed || s == PartState::finalized;
}

uint64_t sat_sub(uint64_t a, int64_t b) {
  return b <= 0 ? a : (a > uint64_t(b) ? a - uint64_t(b) : 0);
}

/// The last program log line of a failed simulation: what the token program said.
std::string last_log(const std::vector<std::string>& logs) {
  for (auto it = logs.rbegin(); it != logs.rend(); ++it)
    if (it->find("Program log:") != std::string::npos || it->find("Error") != std::string::npos)
      return *it;
  return logs.empty() ? std::string() : logs.back();
}

}  // namespace

std::optional<size_t> failing_instruction(const json& err) {
  if (!err.is_object() || !err.contains("InstructionError")) return std::nullopt;
  const json& ie = err["InstructionError"];
  if (!ie.is_array() || ie.empty() || !ie[0].is_number_unsigned()) return std::nullopt;
  return ie[0].get<size_t>();
}

int64_t SettlementBridge::Impl::unlanded(AccountId account, bool debit) const {
  int64_t sum = 0;
  for (const BatchRow& b : batches) {
    for (const PartRow& p : b.parts) {
      if (p.state != PartState::signed_) continue;
      const auto li = live.find({b.batch_id, p.part});
      if (li != live.end() && li->second.seen) continue;  // already in the processed balance
      for (const TransferRow& t : b.transfers) {
        if (t.part != p.part || t.state != TransferState::pending) continue;
        if ((t.amount.raw < 0) != debit) continue;
        if (account == 0 || t.account == account)
          sum += t.amount.raw < 0 ? -t.amount.raw : t.amount.raw;
      }
    }
  }
  return sum;
}

void SettlementBridge::Impl::return_transfer(BatchRow& b, AccountId account,
                                             const std::string& reason) {
  for (TransferRow& t : b.transfers) {
    if (t.account != account || t.state != TransferState::pending) continue;
    store->return_transfers({{b.batch_id, account, t.amount}}, {{account, reason}}, wall_ms());
    outbox.return_unsettled(account, t.amount);
    spdlog::warn("event=settlement_transfer_returned batch={} part={} account={} amount={}",
                 b.batch_id, t.part, account, t.amount.raw);
    t.state = TransferState::returned;
    t.part = 0;
  }
  quarantine(account, reason);
}

void SettlementBridge::Impl::drive_chain() {
  size_t active = 0;
  for (BatchRow& b : batches) {
    if (b.state == BatchState::closed) {
      // In order, a bounded number at once; a deferred batch holds the ones after it.
      if (active >= std::max<uint32_t>(opt.max_active_batches, 1)) break;
      LiveInfo& wait = live[{b.batch_id, 0}];  // part 0: the batch's own planning back-off
      if (now_steady() < wait.retry_after) break;
      if (!plan(b, active > 0)) {
        wait.retry_after = now_steady() + PLAN_RETRY;
        break;
      }
    }
    if (b.state == BatchState::planned) ++active;
  }
  for (BatchRow& b : batches) {
    if (b.state == BatchState::planned) send_open_parts(b);
    if (stopping()) return;
  }
  resend_live();
  poll_statuses();
  advance_batches();
}

bool SettlementBridge::Impl::plan(BatchRow& b, bool earlier_unconfirmed) {
  std::vector<Returned> returned;
  std::vector<std::pair<AccountId, std::string>> q;
  std::vector<TransferRow*> check;
  for (TransferRow& t : b.transfers) {
    if (t.state != TransferState::pending) continue;
    if (settleable(t.account)) {
      check.push_back(&t);
      continue;
    }
    returned.push_back({b.batch_id, t.account, t.amount});
    q.emplace_back(t.account, token_accounts.count(t.account) ? rows[t.account].quarantine_reason
                                                              : "no token account in the manifest");
  }
  if (opt.precheck && !check.empty()) {
    std::vector<solana::Pubkey> to_read;
    for (const TransferRow* t : check) to_read.push_back(token_accounts[t->account]);
    std::vector<std::optional<TokenAccount>> accs;
    try {
      accs = fetch_token_accounts(to_read);
    } catch (const std::exception& e) {
      set_error(e.what());
      return false;
    }
    std::vector<TransferRow*> kept;
    for (size_t i = 0; i < check.size(); ++i) {
      TransferRow& t = *check[i];
      const bool debit = t.amount.raw < 0;
      std::optional<TokenAccount> acc = accs[i];
      if (acc && debit) {  // what our own unlanded debits will already take
        const int64_t u = unlanded(t.account, true);
        acc->amount = sat_sub(acc->amount, u);
        acc->delegated_amount = sat_sub(acc->delegated_amount, u);
      }
      const std::string problem = transfer_problem(acc, keys.mint, keys.authority,
                                                   debit ? uint64_t(-t.amount.raw) : 0, debit);
      if (problem.empty()) {
        kept.push_back(&t);
        continue;
      }
      // With earlier batches in flight the shortfall may be theirs to fix (a credit landing):
      // wait for them before deciding.
      if (earlier_unconfirmed) return false;
      returned.push_back({b.batch_id, t.account, t.amount});
      q.emplace_back(t.account, "pre-check: " + problem);
    }
    check = kept;
  }
  std::vector<TransferLeg> debits, credits;
  std::vector<TransferRow*> debit_rows, credit_rows;
  for (TransferRow* t : check) {
    (t->amount.raw < 0 ? debits : credits).push_back({token_accounts[t->account], t->amount.raw});
    (t->amount.raw < 0 ? debit_rows : credit_rows).push_back(t);
  }
  const solana::AddressLookupTableAccount* tbl =
      table && check.size() > opt.legacy_max_accounts ? &*table : nullptr;
  BatchRow planned = b;
  uint32_t next_part = 1;
  auto assign = [&](const std::vector<TransferLeg>& legs, const std::vector<TransferRow*>& rws,
                    uint8_t stage) {
    size_t at = 0;
    for (const auto& group : split_parts(keys, b.batch_id, b.fill_count, legs, tbl)) {
      PartRow p;
      p.part = next_part++;
      p.stage = stage;
      planned.parts.push_back(p);
      for (size_t k = 0; k < group.size(); ++k, ++at) {
        for (TransferRow& t : planned.transfers)
          if (t.account == rws[at]->account) t.part = p.part;
      }
    }
  };
  assign(debits, debit_rows, 0);
  assign(credits, credit_rows, 1);
  if (planned.parts.empty()) {  // nothing to move: the memo with the root still lands
    PartRow p;
    p.part = 1;
    planned.parts.push_back(p);
  }
  for (const Returned& r : returned) {
    for (TransferRow& t : planned.transfers)
      if (t.account == r.account) {
        t.state = TransferState::returned;
        t.part = 0;
      }
  }
  planned.state = BatchState::planned;
  store->plan_batch(planned, returned, q, wall_ms());
  b = std::move(planned);
  for (const Returned& r : returned) outbox.return_unsettled(r.account, r.amount);
  for (const auto& [account, reason] : q) quarantine(account, reason);
  spdlog::info("event=settlement_batch_planned batch={} parts={} transfers={} returned={} v0={}",
               b.batch_id, b.parts.size(), check.size(), returned.size(), tbl != nullptr);
  return true;
}

void SettlementBridge::Impl::send_open_parts(BatchRow& b) {
  bool debits_landed = true;  // debits before credits: the vault collects, then pays
  for (const PartRow& p : b.parts)
    if (p.stage == 0 && !landed_ok(p.state)) debits_landed = false;
  for (PartRow& p : b.parts) {
    if (p.state != PartState::open || (p.stage == 1 && !debits_landed)) continue;
    if (now_steady() < live[{b.batch_id, p.part}].retry_after) continue;
    prepare_and_send(b, p);
    if (stopping()) return;
  }
}

void SettlementBridge::Impl::prepare_and_send(BatchRow& b, PartRow& p) {
  LiveInfo& li = live[{b.batch_id, p.part}];
  auto retry_later = [&](const std::string& e) {
    set_error("batch " + std::to_string(b.batch_id) + " part " + std::to_string(p.part) + ": " + e);
    li.retry_after = now_steady() + RETRY_AFTER_ERROR;
  };
  auto legs_of = [&](std::vector<AccountId>& ids) {
    std::vector<TransferLeg> legs;
    ids.clear();
    for (const TransferRow& t : b.transfers) {
      if (t.part != p.part || t.state != TransferState::pending) continue;
      legs.push_back({token_accounts[t.account], t.amount.raw});
      ids.push_back(t.account);
    }
    return legs;
  };
  std::vector<AccountId> ids;
  if (p.stage == 1) {
    int64_t total = 0;
    for (const TransferLeg& l : legs_of(ids)) total += l.amount;
    auto bal = rpc->get_token_account_balance(keys.vault, Commitment::Processed);
    if (!bal) return retry_later("vault balance: " + bal.error().message);
    const int64_t available = int64_t(bal.value().amount) - unlanded(0, false);
    if (available < total) {
      return retry_later("vault float short: " + std::to_string(available) + " available, " +
                         std::to_string(total) + " to pay out");
    }
  }
  if (!fee_known || now_steady() - fee_at >= FEE_REFRESH) {
    const solana::Pubkey writable[] = {keys.vault};
    auto fees = rpc->get_recent_prioritization_fees(writable);
    if (fees) {
      std::vector<uint64_t> samples;
      for (const auto& f : fees.value()) samples.push_back(f.prioritization_fee);
      priority_fee = priority_fee_from(std::move(samples), opt.max_priority_fee);
      fee_known = true;
      fee_at = now_steady();
    }
  }
  const PartHeader h{b.batch_id, p.part, uint32_t(b.parts.size()), b.fill_count, b.root};
  auto bh = rpc->get_latest_blockhash(opt.commitment);
  if (!bh) return retry_later("getLatestBlockhash: " + bh.error().message);
  auto build = [&](std::span<const TransferLeg> legs, uint32_t limit) {
    auto tx = build_part(keys, h, legs, limit, priority_fee, bh.value().blockhash, nullptr);
    if ((tx && tx.value().check_limits().ok()) || !table) return tx;
    return build_part(keys, h, legs, limit, priority_fee, bh.value().blockhash, &*table);
  };
  uint64_t units = 0;
  std::vector<TransferLeg> legs;
  while (true) {
    legs = legs_of(ids);
    auto tx = build(legs, SIMULATION_COMPUTE_LIMIT);
    if (!tx) return retry_later(tx.error().message);
    auto sim = rpc->simulate_transaction(
        tx.value().serialize(), solana::SimulateOptions{false, true, Commitment::Processed});
    if (!sim) return retry_later("simulateTransaction: " + sim.error().message);
    if (sim.value().err.is_null()) {
      units = sim.value().units_consumed.value_or(SIMULATION_COMPUTE_LIMIT);
      break;
    }
    const auto idx = failing_instruction(sim.value().err);
    if (!idx || *idx < FIRST_TRANSFER_INSTRUCTION ||
        *idx - FIRST_TRANSFER_INSTRUCTION >= legs.size()) {
      return retry_later("simulation failed: " + sim.value().err.dump());
    }
    // The failing instruction names the transfer: quarantine its account, settle the rest.
    return_transfer(b, ids[*idx - FIRST_TRANSFER_INSTRUCTION],
                    "simulation: " + sim.value().err.dump() + " " + last_log(sim.value().logs));
  }
  auto tx = build(legs, compute_limit_for(units));
  if (!tx) return retry_later(tx.error().message);
  solana::Transaction signed_tx = std::move(tx).value();
  const solana::Keypair* signers[] = {&*authority};
  if (auto s = signed_tx.sign(signers); !s) return retry_later(s.error().message);
  if (auto s = signed_tx.check_limits(); !s) return retry_later(s.error().message);
  PartRow next = p;
  next.state = PartState::signed_;
  next.version = p.version + 1;
  next.signature = signed_tx.id().to_base58();
  next.blockhash = bh.value().blockhash.to_base58();
  next.last_valid_block_height = bh.value().last_valid_block_height;
  next.tx = signed_tx.serialize();
  next.compute_unit_limit = compute_limit_for(units);
  next.compute_unit_price = priority_fee;
  next.landed_slot = 0;
  next.err.clear();
  store->sign_part(b.batch_id, next, wall_ms());  // on disk before it can reach the network
  p = std::move(next);
  li = LiveInfo{};
  ++counters.versions_signed;
  spdlog::info(
      "event=settlement_part_signed batch={} part={}/{} version={} signature={} transfers={} "
      "v0={} compute_limit={} priority_fee={} last_valid_block_height={}",
      b.batch_id, p.part, b.parts.size(), p.version, p.signature, legs.size(),
      signed_tx.message.version == solana::MessageVersion::V0, p.compute_unit_limit,
      p.compute_unit_price, p.last_valid_block_height);
  if (opt.test_hook) opt.test_hook("signed", b.batch_id, p.part);
  send(b, p, true);
  if (opt.test_hook) opt.test_hook("sent", b.batch_id, p.part);
}

void SettlementBridge::Impl::send(BatchRow& b, PartRow& p, bool first) {
  LiveInfo& li = live[{b.batch_id, p.part}];
  solana::SendOptions so;
  so.preflight_commitment = opt.commitment;  // the blockhash was fetched at this commitment
  so.skip_preflight = !first;                // re-sends: the first send already simulated
  auto r = rpc->send_transaction(p.tx, so);
  li.last_send = now_steady();
  if (!first) ++counters.resends;
  if (r) return;
  const solana::RpcError& e = r.error();
  if (e.kind == solana::RpcError::Kind::Rpc && e.code == -32002) {
    const json err = e.data.is_object() && e.data.contains("err") ? e.data["err"] : json();
    if (err == "AlreadyProcessed" || err == "BlockhashNotFound") return;  // landed / node behind
    // Refused in preflight: this version will not be sent again; it is re-signed once its
    // blockhash has provably expired (an earlier copy could still be in flight).
    li.refused = true;
    p.err = "preflight: " + err.dump();
    store->note_part_error(b.batch_id, p.part, p.err);
    spdlog::warn("event=settlement_part_refused batch={} part={} version={} err={}", b.batch_id,
                 p.part, p.version, err.dump());
    return;
  }
  set_error("sendTransaction: " + e.message);  // may or may not have arrived: re-sent later
}

void SettlementBridge::Impl::resend_live() {
  const auto every = std::chrono::milliseconds(opt.resend_interval_ms);
  for (BatchRow& b : batches) {
    for (PartRow& p : b.parts) {
      if (p.state != PartState::signed_) continue;
      const LiveInfo& li = live[{b.batch_id, p.part}];
      if (li.refused || li.seen || now_steady() - li.last_send < every) continue;
      send(b, p, false);  // the same bytes: the status cache keeps a landed copy from repeating
    }
  }
}

}  // namespace qd::settlement
