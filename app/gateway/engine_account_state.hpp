#pragma once
// The account-state port of fix/account_state_source.hpp over the running engine: snapshots are
// read from the Exchange's margin core on the engine thread (Sequencer::run_on_engine). The same
// snapshot feeds the admin socket's `qdctl account show` (app/admin/account_risk_view.cpp), so the
// desk's PositionReport and the operator see one computation.

#include <optional>
#include <span>
#include <vector>

#include "core/ids.hpp"
#include "fix/account_state_source.hpp"

namespace qd {

class Exchange;
class Sequencer;

/// The account's collateral, margin and markets as the margin core holds them. Engine thread
/// only (inside Sequencer::run_on_engine, or before the sequencer starts). nullopt when the
/// Exchange runs matching only or does not know the account.
std::optional<fix::AccountSnapshot> snapshot_account(const Exchange& exchange, AccountId account);

class EngineAccountState final : public fix::AccountStateSource {
 public:
  explicit EngineAccountState(Sequencer& sequencer) : sequencer_(sequencer) {}

  /// One engine round trip for all accounts. Blocks; never from an EventListener.
  std::vector<std::optional<fix::AccountSnapshot>> snapshot(
      std::span<const AccountId> accounts) override;

 private:
  Sequencer& sequencer_;
};

}  // namespace qd
