#include "settlement/bridge/part_builder.hpp"

#include <algorithm>

#include "settlement/solana/programs.hpp"
#include "settlement/solana/sha256.hpp"

namespace qd::settlement {

std::string batch_memo(const PartHeader& h) {
  return "qd-settle v1 batch=" + std::to_string(h.batch_id) + " part=" + std::to_string(h.part) +
         "/" + std::to_string(h.parts) + " fills=" + std::to_string(h.fill_count) +
         " root=" + solana::to_hex(h.root.span());
}

std::vector<solana::Instruction> part_instructions(const SettlementKeys& keys,
                                                   const PartHeader& header,
                                                   std::span<const TransferLeg> legs,
                                                   uint32_t compute_unit_limit,
                                                   uint64_t micro_lamports_per_cu) {
  std::vector<solana::Instruction> ixs;
  ixs.reserve(FIRST_TRANSFER_INSTRUCTION + legs.size());
  ixs.push_back(solana::set_compute_unit_limit(compute_unit_limit));
  ixs.push_back(solana::set_compute_unit_price(micro_lamports_per_cu));
  ixs.push_back(solana::memo(batch_memo(header)).value());  // ASCII: always valid UTF-8
  for (const TransferLeg& leg : legs) {
    if (leg.amount < 0) {
      ixs.push_back(solana::token_transfer_checked(leg.token_account, keys.mint, keys.vault,
                                                   keys.authority, uint64_t(-leg.amount),
                                                   keys.decimals));
    } else {
      ixs.push_back(solana::token_transfer_checked(keys.vault, keys.mint, leg.token_account,
                                                   keys.authority, uint64_t(leg.amount),
                                                   keys.decimals));
    }
  }
  return ixs;
}

solana::Result<solana::Transaction> build_part(const SettlementKeys& keys, const PartHeader& header,
                                               std::span<const TransferLeg> legs,
                                               uint32_t compute_unit_limit,
                                               uint64_t micro_lamports_per_cu,
                                               const solana::Hash& blockhash,
                                               const solana::AddressLookupTableAccount* table) {
  for (const TransferLeg& leg : legs) {
    if (leg.amount == 0) return solana::Error{"a transfer of 0 has no place in a part"};
  }
  const auto ixs = part_instructions(keys, header, legs, compute_unit_limit, micro_lamports_per_cu);
  auto message =
      table ? solana::compile_v0_message(keys.authority, ixs, blockhash, std::span(table, 1))
            : solana::compile_legacy_message(keys.authority, ixs, blockhash);
  if (!message) return message.error();
  return solana::Transaction::unsigned_of(std::move(message).value());
}

std::vector<std::vector<TransferLeg>> split_parts(const SettlementKeys& keys, uint64_t batch_id,
                                                  uint64_t fill_count,
                                                  std::span<const TransferLeg> legs,
                                                  const solana::AddressLookupTableAccount* table,
                                                  uint32_t max_parts) {
  PartHeader worst;
  worst.batch_id = batch_id;
  worst.part = max_parts;
  worst.parts = max_parts;
  worst.fill_count = fill_count;
  auto fits = [&](std::span<const TransferLeg> group) {
    auto tx =
        build_part(keys, worst, group, SIMULATION_COMPUTE_LIMIT, UINT64_MAX, solana::Hash{}, table);
    return tx.ok() && tx.value().check_limits().ok();
  };
  std::vector<std::vector<TransferLeg>> out;
  size_t at = 0;
  const size_t start_cap = table ? V0_PART_CAPACITY : LEGACY_PART_CAPACITY;
  while (at < legs.size()) {
    size_t n = std::min(start_cap, legs.size() - at);
    while (n > 1 && !fits(legs.subspan(at, n))) --n;
    out.emplace_back(legs.begin() + ptrdiff_t(at), legs.begin() + ptrdiff_t(at + n));
    at += n;
  }
  return out;
}

uint32_t compute_limit_for(uint64_t units) {
  const uint64_t limit = (units * 11 + 9) / 10;
  return uint32_t(std::clamp<uint64_t>(limit, 1000, SIMULATION_COMPUTE_LIMIT));
}

uint64_t priority_fee_from(std::vector<uint64_t> samples, uint64_t cap) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  return std::min(samples[(samples.size() - 1) * 3 / 4], cap);
}

}  // namespace qd::settlement
