#pragma once
// Every fill's merkle proof of one batch in a single pass over the tree (solana::merkle_proof
// rebuilds the tree per leaf, which is quadratic for a 1000-fill batch). Same tree and proof
// rules as settlement/solana/merkle.hpp.

#include <span>
#include <vector>

#include "settlement/solana/merkle.hpp"

namespace qd::settlement {

/// proofs[i] is what solana::merkle_proof(leaves, i) returns.
std::vector<solana::MerkleProof> all_merkle_proofs(std::span<const solana::Hash> leaves);

}  // namespace qd::settlement
