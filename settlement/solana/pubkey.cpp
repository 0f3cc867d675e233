#include "settlement/solana/pubkey.hpp"

#include <stdexcept>

#include "settlement/solana/sha256.hpp"

namespace qd::solana {

Pubkey pubkey_literal(std::string_view base58) {
  auto key = Pubkey::from_base58(base58);
  if (!key) throw std::logic_error("bad pubkey literal: " + key.error().message);
  return key.value();
}

namespace {

// Rejects more than max_count seeds or a seed longer than MAX_SEED_LEN; empty message if fine.
std::string check_seeds(std::span<const std::span<const uint8_t>> seeds, size_t max_count) {
  if (seeds.size() > max_count) {
    return "too many PDA seeds: " + std::to_string(seeds.size()) + " (max " +
           std::to_string(max_count) + ")";
  }
  for (size_t i = 0; i < seeds.size(); ++i) {
    if (seeds[i].size() > MAX_SEED_LEN) {
      return "PDA seed " + std::to_string(i) + " is " + std::to_string(seeds[i].size()) +
             " bytes (max " + std::to_string(MAX_SEED_LEN) + ")";
    }
  }
  return {};
}

// Seeds are already checked; fails only when the digest lies on the curve.
Result<Pubkey> derive(std::span<const std::span<const uint8_t>> seeds, const uint8_t* bump,
                      const Pubkey& program_id) {
  Sha256 h;
  for (const auto& seed : seeds) h.update(seed);
  if (bump != nullptr) h.update(*bump);
  h.update(program_id.span());
  h.update(std::string_view("ProgramDerivedAddress"));
  const Hash digest = h.finish();
  Pubkey out;
  out.bytes = digest.bytes;
  if (is_on_curve(out)) return Error{"derived address is on the ed25519 curve"};
  return out;
}

}  // namespace

Result<Pubkey> create_program_address(std::span<const std::span<const uint8_t>> seeds,
                                      const Pubkey& program_id) {
  if (auto problem = check_seeds(seeds, MAX_SEEDS); !problem.empty()) return Error{problem};
  return derive(seeds, nullptr, program_id);
}

Result<ProgramAddress> find_program_address(std::span<const std::span<const uint8_t>> seeds,
                                            const Pubkey& program_id) {
  if (auto problem = check_seeds(seeds, MAX_SEEDS - 1); !problem.empty()) return Error{problem};
  for (int bump = 255; bump >= 0; --bump) {
    const auto b = static_cast<uint8_t>(bump);
    auto address = derive(seeds, &b, program_id);
    if (address) return ProgramAddress{address.value(), b};
  }
  return Error{"no off-curve program address for these seeds"};
}

}  // namespace qd::solana
