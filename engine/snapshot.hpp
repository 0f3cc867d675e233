#pragma once
// Engine snapshots: the whole state of an Exchange after the command numbered `seq`, as a
// compact versioned binary, so a restart restores it and replays only the commands after it.
//
// Covered: every market's spec as config commands left it, its book (each resting order in
// price-time priority, and the price anchor that bounds where orders may rest), stop orders,
// mark, last trade; the order tracker (records, ClOrdID index, open counts); pending expiries;
// account settings (STP groups, limits, enablement); the id counter, the command clock and the
// last tick; and the margin core (risk/risk_snapshot.hpp). The book's memory layout (level
// window, pool slots) is not state: it is rebuilt by resting the orders again in priority order.
//
// Blob: "QDSN" magic, format version, seq, then the state (little-endian, field by field).

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "engine/exchange.hpp"

namespace qd {

/// Bump when any listing in snapshot.cpp or risk/risk_snapshot.hpp changes; a restart skips
/// snapshots of other versions (falling back to an older snapshot or a full replay).
inline constexpr uint32_t snapshot_format_version = 1;

struct SnapshotError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The header of a snapshot blob.
struct SnapshotHeader {
  uint32_t format_version = 0;
  SeqNo seq = 0;  ///< the state includes every command <= seq and nothing after
};

/// The exchange's state copied into plain values (snapshot.cpp), not yet serialized.
struct SnapshotCapture;
struct SnapshotCaptureDeleter {
  void operator()(SnapshotCapture* c) const;
};
using CapturedSnapshot = std::unique_ptr<SnapshotCapture, SnapshotCaptureDeleter>;

/// Engine thread: copies the whole state as it stands after command seq. The cheap half of a
/// snapshot (memory copies); encode_captured does the rest on any thread.
CapturedSnapshot capture_snapshot(const Exchange& exchange, SeqNo seq);
/// Sorts and serializes a capture into a snapshot blob.
std::string encode_captured(CapturedSnapshot captured);
/// Both at once. Engine thread only.
std::string encode_snapshot(const Exchange& exchange, SeqNo seq);

/// Reads a blob's header; throws SnapshotError when it is not a snapshot.
SnapshotHeader snapshot_header(std::string_view blob);

/// Restores a snapshot into an exchange freshly built from the same configuration (same markets
/// in the same order; accounts configured since the snapshot keep their fresh state). Throws
/// SnapshotError on an unknown format version, a malformed blob or a configuration that does not
/// match; the exchange is then unusable and must be built afresh.
SnapshotHeader restore_snapshot(Exchange& fresh, std::string_view blob);

/// FNV-1a over the serialized state (without the header): two exchanges hash equal exactly when
/// every piece of state a snapshot holds is equal.
uint64_t exchange_state_hash(const Exchange& exchange);

}  // namespace qd
