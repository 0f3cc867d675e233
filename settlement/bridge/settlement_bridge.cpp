#include "settlement/bridge/settlement_bridge.hpp"

#include <spdlog/spdlog.h>

#include "settlement/bridge/bridge_impl.hpp"
#include "settlement/solana/merkle.hpp"
#include "settlement/solana/sha256.hpp"

namespace qd::settlement {

namespace {
/// Seqs read per journal query: bounds the memory and time of one step.
constexpr SeqNo READ_CHUNK = 5000;
constexpr auto CHECKPOINT_EVERY = std::chrono::seconds(1);
/// Chunks read per step, so a long backlog still lets the chain side advance in between.
constexpr int CHUNKS_PER_STEP = 8;
/// Closed batches waiting at most: reading pauses beyond this (memory stays bounded while the
/// chain is slow or down; the journal keeps everything).
constexpr size_t MAX_WAITING_BATCHES = 256;
}  // namespace

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SettlementBridge::SettlementBridge(BridgeOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

SettlementBridge::~SettlementBridge() {
  stop();
}

void SettlementBridge::add_listener(SettlementListener* listener) {
  impl_->listeners.push_back(listener);
}

void SettlementBridge::start() {
  if (impl_->thread.joinable()) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop_requested = false;
  }
  {
    std::lock_guard lock(impl_->snap_mu);
    impl_->snap.running = true;
  }
  impl_->thread = std::thread([this] { impl_->run(); });
}

void SettlementBridge::stop() {
  if (!impl_->thread.joinable()) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop_requested = true;
  }
  impl_->cv.notify_all();
  impl_->thread.join();
  std::lock_guard lock(impl_->snap_mu);
  impl_->snap.running = false;
}

void SettlementBridge::set_batch_limits(uint32_t max_fills, uint32_t max_delay_ms) {
  if (max_fills > 0) impl_->max_fills = max_fills;
  if (max_delay_ms > 0) impl_->max_delay_ms = max_delay_ms;
}

SettlementStatus SettlementBridge::status() const {
  std::lock_guard lock(impl_->snap_mu);
  return impl_->snap;
}

std::vector<AccountSettlement> SettlementBridge::accounts() const {
  std::lock_guard lock(impl_->snap_mu);
  return impl_->snap_accounts;
}

std::vector<AccountSettlement> SettlementBridge::quarantined() const {
  std::vector<AccountSettlement> out;
  for (AccountSettlement& a : accounts())
    if (a.quarantined) out.push_back(std::move(a));
  return out;
}

bool SettlementBridge::release(AccountId account) {
  bool known = false;
  {
    std::lock_guard lock(impl_->snap_mu);
    for (const AccountSettlement& a : impl_->snap_accounts)
      if (a.account == account && a.quarantined && !a.token_account.empty()) known = true;
  }
  if (!known) return false;
  {
    std::lock_guard lock(impl_->mu);
    impl_->releases.push_back(account);
  }
  impl_->cv.notify_all();
  return true;
}

// ---- the settlement thread ---------------------------------------------------------------

bool SettlementBridge::Impl::stopping() {
  std::lock_guard lock(mu);
  return stop_requested;
}

void SettlementBridge::Impl::set_error(const std::string& e) {
  last_error = e;
  const auto now = std::chrono::steady_clock::now();
  if (now - error_log_at >= std::chrono::seconds(5)) {  // a chain outage must not flood the log
    error_log_at = now;
    spdlog::warn("event=settlement_error error=\"{}\"", e);
  }
}

void SettlementBridge::Impl::run() {
  while (true) {
    try {
      if (!ready) ready = init();
      if (ready) step();
    } catch (const std::exception& e) {
      // A store or journal failure: drop everything and set up again from what is on disk.
      set_error(std::string("settlement restarts after: ") + e.what());
      ready = false;
      journal.reset();
      store.reset();
      batches.clear();
      live.clear();
    }
    publish();
    std::unique_lock lock(mu);
    const auto wait =
        ready ? std::chrono::milliseconds(opt.poll_interval_ms) : std::chrono::milliseconds(1000);
    if (cv.wait_for(lock, wait, [&] { return stop_requested; })) break;
  }
  publish();
}

void SettlementBridge::Impl::step() {
  process_releases();
  poll_journal();
  maybe_close_by_time();
  drive_chain();
  if (std::chrono::steady_clock::now() - last_recheck >=
      std::chrono::milliseconds(opt.quarantine_recheck_ms)) {
    last_recheck = std::chrono::steady_clock::now();
    recheck_quarantine();
  }
}

bool SettlementBridge::Impl::settleable(AccountId a) const {
  if (!token_accounts.count(a)) return false;
  auto it = rows.find(a);
  return it == rows.end() || !it->second.quarantined;
}

void SettlementBridge::Impl::poll_journal() {
  journal_seq = journal->last_seq();
  if (journal_seq < outbox.cursor()) {
    // settlement.db has settled past the end of this journal: another (or a restored) journal.
    // Reading on would skip its events silently, so nothing moves until an operator looks.
    return set_error("journal " + opt.journal_path + " ends at seq " + std::to_string(journal_seq) +
                     " but settlement already covered seq " + std::to_string(outbox.cursor()) +
                     ": this settlement store belongs to another journal");
  }
  const size_t max_fills_now = std::max<uint32_t>(max_fills.load(), 1);
  for (int chunk = 0; chunk < CHUNKS_PER_STEP && outbox.read_seq() < journal_seq; ++chunk) {
    if (batches.size() >= MAX_WAITING_BATCHES) return;
    const SeqNo through = std::min(journal_seq, outbox.read_seq() + READ_CHUNK);
    journal->read(outbox.read_seq(), through, [&](const Event& e) {
      // Cut only between commands: a command's fills never straddle two batches.
      if (e.seq != outbox.read_seq() && outbox.open_fills() >= max_fills_now) close_batch();
      const bool was_open = outbox.has_open_flows();
      outbox.apply(e);
      if (!was_open && outbox.has_open_flows()) open_since = std::chrono::steady_clock::now();
    });
    outbox.advance_to(through);
    if (outbox.open_fills() >= max_fills_now) close_batch();
    if (stopping()) return;
  }
}

void SettlementBridge::Impl::maybe_close_by_time() {
  const auto now = std::chrono::steady_clock::now();
  const auto delay = std::chrono::milliseconds(max_delay_ms.load());
  auto can_settle = [this](AccountId a) { return settleable(a); };
  if (outbox.has_open_flows()) {
    if (now - open_since >= delay) close_batch();
  } else if (outbox.has_settleable(can_settle)) {
    if (now - carry_since >= delay) close_batch();  // a released account's carried amount
  } else if (outbox.read_seq() > outbox.cursor() && now - last_checkpoint >= CHECKPOINT_EVERY) {
    // Only baseline moves (or nothing for settlement) since the cursor: persist the position so
    // a restart does not re-read it.
    store->checkpoint(outbox.read_seq(), outbox.accounts());
    outbox.checkpoint();
    last_checkpoint = now;
  }
}

void SettlementBridge::Impl::close_batch() {
  ClosedBatch cb = outbox.close([this](AccountId a) { return settleable(a); });
  if (cb.fills.empty() && cb.transfers.empty()) {
    // Flows only for accounts that cannot settle now: they stay in their carry.
    store->checkpoint(cb.to_seq, outbox.accounts());
    return;
  }
  std::vector<solana::Hash> leaves;
  leaves.reserve(cb.fills.size());
  for (const SettlementFill& f : cb.fills) leaves.push_back(fill_leaf(f));
  const solana::Hash root = solana::merkle_root_of_leaves(leaves);
  const uint64_t id = store->close_batch(cb, root, outbox.accounts(), wall_ms());
  BatchRow b;
  b.batch_id = id;
  b.from_seq = cb.from_seq;
  b.to_seq = cb.to_seq;
  b.fill_count = cb.fills.size();
  b.root = root;
  b.first_event_ts = cb.first_event_ts;
  b.closed_at_ms = wall_ms();
  for (const NetTransfer& t : cb.transfers) b.transfers.push_back({t.account, t.amount, 0, {}});
  ++counters.batches_closed;
  spdlog::info(
      "event=settlement_batch_closed batch={} after_seq={} through_seq={} fills={} transfers={} "
      "root={}",
      id, cb.from_seq, cb.to_seq, cb.fills.size(), cb.transfers.size(),
      solana::to_hex(root.span()));
  batches.push_back(std::move(b));
}

void SettlementBridge::Impl::publish() {
  SettlementStatus s = counters;
  std::vector<AccountSettlement> accs;
  s.ready = ready;
  s.last_error = last_error;
  s.journal_seq = journal_seq;
  s.read_seq = outbox.read_seq();
  s.batched_seq = outbox.cursor();
  s.open_fills = outbox.open_fills();
  // The settled positions: everything before the first batch not yet confirmed / finalized,
  // or everything read when no batch waits and nothing is open.
  const SeqNo open_from = outbox.has_open_flows() ? outbox.cursor() : outbox.read_seq();
  s.confirmed_seq = open_from;
  s.finalized_seq = open_from;
  TimestampNs oldest = outbox.has_open_flows() ? outbox.open_first_ts() : 0;
  std::map<AccountId, std::pair<Quote, Quote>> pending_inflight;
  for (const BatchRow& b : batches) {
    const bool confirmed = b.state == BatchState::confirmed || b.state == BatchState::finalized;
    if (!confirmed) {
      ++s.pending_batches;
      s.confirmed_seq = std::min(s.confirmed_seq, b.from_seq);
    }
    if (b.state != BatchState::finalized) {
      s.finalized_seq = std::min(s.finalized_seq, b.from_seq);
      if (b.first_event_ts != 0 && (oldest == 0 || b.first_event_ts < oldest))
        oldest = b.first_event_ts;
    }
    for (const TransferRow& t : b.transfers) {
      if (t.state != TransferState::pending) continue;
      const PartRow* p = nullptr;
      for (const PartRow& q : b.parts)
        if (q.part == t.part) p = &q;
      if (p && p->state == PartState::confirmed)
        pending_inflight[t.account].first += t.amount;
      else
        pending_inflight[t.account].second += t.amount;
    }
  }
  s.lag_seq = s.journal_seq > s.finalized_seq ? s.journal_seq - s.finalized_seq : 0;
  s.oldest_unsettled_ts = oldest;
  if (oldest != 0) s.lag_ms = std::max<int64_t>(0, wall_ms() - oldest / 1'000'000);
  for (const auto& [id, name] : names) {
    AccountSettlement a;
    a.account = id;
    a.name = name;
    if (auto t = token_accounts.find(id); t != token_accounts.end())
      a.token_account = t->second.to_base58();
    if (auto l = outbox.accounts().find(id); l != outbox.accounts().end()) {
      a.collateral = l->second.last_collateral;
      a.baseline = l->second.baseline;
      a.unsettled = l->second.unsettled;
    }
    if (auto r = rows.find(id); r != rows.end()) {
      a.booked = r->second.booked;
      a.quarantined = r->second.quarantined;
      a.quarantine_reason = r->second.quarantine_reason;
    }
    if (ready && a.token_account.empty()) {
      a.quarantined = true;
      a.quarantine_reason = "no token account in the manifest";
    }
    if (auto p = pending_inflight.find(id); p != pending_inflight.end()) {
      a.pending = p->second.first;
      a.in_flight = p->second.second;
    }
    if (a.quarantined) ++s.quarantined_now;
    accs.push_back(std::move(a));
  }
  s.idle = ready && batches.empty() && s.read_seq >= s.journal_seq && !outbox.has_open_flows() &&
           !outbox.has_settleable([this](AccountId a) { return settleable(a); });
  const auto now = std::chrono::steady_clock::now();
  if (opt.on_status && now - status_at >= std::chrono::milliseconds(250)) {
    status_at = now;
    opt.on_status(s);
  }
  std::lock_guard lock(snap_mu);
  s.running = snap.running;
  snap = std::move(s);
  snap_accounts = std::move(accs);
  if (manifest && !snap_manifest) {
    snap_manifest = manifest;
    snap_rpc_url = opt.rpc_url.empty() ? manifest->rpc_url : opt.rpc_url;
  }
  snap_vault_start = vault_start;
}

}  // namespace qd::settlement
