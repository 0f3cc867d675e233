#include "settlement/bridge/batch_proofs.hpp"

namespace qd::settlement {

std::vector<solana::MerkleProof> all_merkle_proofs(std::span<const solana::Hash> leaves) {
  std::vector<std::vector<solana::Hash>> levels{{leaves.begin(), leaves.end()}};
  while (levels.back().size() > 1) {
    const std::vector<solana::Hash>& l = levels.back();
    std::vector<solana::Hash> up;
    up.reserve((l.size() + 1) / 2);
    for (size_t i = 0; i + 1 < l.size(); i += 2)
      up.push_back(solana::merkle_node_hash(l[i], l[i + 1]));
    if (l.size() % 2 == 1) up.push_back(l.back());  // promoted unchanged
    levels.push_back(std::move(up));
  }
  std::vector<solana::MerkleProof> out(leaves.size());
  for (size_t leaf = 0; leaf < leaves.size(); ++leaf) {
    solana::MerkleProof& p = out[leaf];
    p.leaf_index = leaf;
    p.leaf_count = leaves.size();
    size_t index = leaf;
    for (size_t d = 0; d + 1 < levels.size(); ++d) {
      const size_t n = levels[d].size();
      if (!(index == n - 1 && n % 2 == 1)) p.siblings.push_back(levels[d][index ^ 1]);
      index /= 2;
    }
  }
  return out;
}

}  // namespace qd::settlement
