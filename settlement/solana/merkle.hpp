#pragma once
// The merkle tree over a settlement batch's fills, whose root goes in the batch memo and whose
// proofs let compliance check one fill against the on-chain memo.
//
//   leaf  = sha256(0x00 || fill bytes)
//   node  = sha256(0x01 || left || right)
//   The prefixes keep a leaf from ever being taken for an inner node (second-preimage safety).
//   A level with an odd count promotes its last node unchanged to the next level: it is neither
//   hashed alone nor paired with a copy of itself, so no two different fill lists share a root
//   by duplication (the weakness of Bitcoin's duplicate-last rule).
//   A single fill's root is its leaf hash. The empty batch's root is sha256 of the empty
//   string (e3b0c442...b855), which no leaf or node can equal since both hash a prefix byte.
//
// A proof carries the leaf's position and the batch size; the verifier derives from them, not
// from the proof, which side each sibling is on and where promotions happen, so a proof cannot
// be replayed for another position. (The root does not commit to the batch size itself: the
// memo states the fill count next to the root.)

#include <cstdint>
#include <span>
#include <vector>

#include "settlement/solana/pubkey.hpp"

namespace qd::solana {

/// sha256(0x00 || fill)
Hash merkle_leaf_hash(std::span<const uint8_t> fill);
/// sha256(0x01 || left || right)
Hash merkle_node_hash(const Hash& left, const Hash& right);

/// Root over leaf hashes in order (see the header comment for odd levels and the empty set).
Hash merkle_root_of_leaves(std::span<const Hash> leaves);
/// Root over fills: hashes each as a leaf first.
Hash merkle_root(std::span<const Bytes> fills);

struct MerkleProof {
  uint64_t leaf_index = 0;     ///< position of the fill in the batch, from 0
  uint64_t leaf_count = 0;     ///< number of fills in the batch
  std::vector<Hash> siblings;  ///< from the leaf level up; promoted levels contribute none
};

/// Proof for leaf_index; rejects an index outside the leaves.
Result<MerkleProof> merkle_proof(std::span<const Hash> leaves, uint64_t leaf_index);

/// True when leaf hashes up to root along proof; false for any inconsistency (index out of
/// range, too few or too many siblings, a wrong hash).
bool merkle_verify(const Hash& leaf, const MerkleProof& proof, const Hash& root);

}  // namespace qd::solana
