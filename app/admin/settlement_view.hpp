#pragma once
// `qdctl settlement status|quarantine|release|reconcile`: the settlement bridge's views as JSON.
// Amounts are exact decimal strings in USDC (6 decimals); sequence numbers are journal seqs.
// Everything here reads snapshots (SettlementBridge is safe from any thread) or settlement.db
// through its own read-only connection; nothing touches the engine.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "settlement/bridge/settlement_bridge.hpp"

namespace qd::admin {

/// The status snapshot: progress cursors, lag, counters of this run, last error.
nlohmann::json settlement_status_json(const settlement::SettlementStatus& s);

/// One account's settlement view (collateral, booked, pending, in flight, carry, quarantine).
nlohmann::json account_settlement_json(const settlement::AccountSettlement& a);

/// The newest `limit` batches in settlement.db (read-only), newest first, each with its state,
/// fill count, merkle root and the signature of every part. An empty array when the file does
/// not exist yet; throws std::runtime_error naming the file when it cannot be read.
nlohmann::json recent_settlement_batches(const std::string& store_path, int limit);

/// Batches in settlement.db by state ("closed", "planned", "confirmed", "finalized"), all runs.
nlohmann::json settlement_batch_counts(const std::string& store_path);

/// The reconciliation report: per line on-chain, expected, pending, difference (token base
/// units, as exact USDC strings) and any read error.
nlohmann::json reconcile_json(const settlement::ReconcileReport& r);

}  // namespace qd::admin
