#include "settlement/solana/merkle.hpp"

#include "settlement/solana/sha256.hpp"

namespace qd::solana {

Hash merkle_leaf_hash(std::span<const uint8_t> fill) {
  return Sha256().update(uint8_t{0x00}).update(fill).finish();
}

Hash merkle_node_hash(const Hash& left, const Hash& right) {
  return Sha256().update(uint8_t{0x01}).update(left.span()).update(right.span()).finish();
}

namespace {

std::vector<Hash> next_level(const std::vector<Hash>& level) {
  std::vector<Hash> up;
  up.reserve((level.size() + 1) / 2);
  for (size_t i = 0; i + 1 < level.size(); i += 2) {
    up.push_back(merkle_node_hash(level[i], level[i + 1]));
  }
  if (level.size() % 2 == 1) up.push_back(level.back());  // odd node promoted unchanged
  return up;
}

}  // namespace

Hash merkle_root_of_leaves(std::span<const Hash> leaves) {
  if (leaves.empty()) return sha256(std::span<const uint8_t>{});
  std::vector<Hash> level(leaves.begin(), leaves.end());
  while (level.size() > 1) level = next_level(level);
  return level.front();
}

Hash merkle_root(std::span<const Bytes> fills) {
  std::vector<Hash> leaves;
  leaves.reserve(fills.size());
  for (const auto& f : fills) leaves.push_back(merkle_leaf_hash(f));
  return merkle_root_of_leaves(leaves);
}

Result<MerkleProof> merkle_proof(std::span<const Hash> leaves, uint64_t leaf_index) {
  if (leaf_index >= leaves.size()) {
    return Error{"leaf index " + std::to_string(leaf_index) + " outside a batch of " +
                 std::to_string(leaves.size())};
  }
  MerkleProof proof{leaf_index, leaves.size(), {}};
  std::vector<Hash> level(leaves.begin(), leaves.end());
  uint64_t index = leaf_index;
  while (level.size() > 1) {
    const bool promoted = index == level.size() - 1 && level.size() % 2 == 1;
    if (!promoted) proof.siblings.push_back(level[index ^ 1]);
    level = next_level(level);
    index /= 2;
  }
  return proof;
}

bool merkle_verify(const Hash& leaf, const MerkleProof& proof, const Hash& root) {
  if (proof.leaf_count == 0 || proof.leaf_index >= proof.leaf_count) return false;
  Hash acc = leaf;
  uint64_t index = proof.leaf_index;
  uint64_t count = proof.leaf_count;
  size_t used = 0;
  while (count > 1) {
    const bool promoted = index == count - 1 && count % 2 == 1;
    if (!promoted) {
      if (used == proof.siblings.size()) return false;
      const Hash& sibling = proof.siblings[used++];
      acc = (index % 2 == 0) ? merkle_node_hash(acc, sibling) : merkle_node_hash(sibling, acc);
    }
    index /= 2;
    count = (count + 1) / 2;
  }
  return used == proof.siblings.size() && acc == root;
}

}  // namespace qd::solana
