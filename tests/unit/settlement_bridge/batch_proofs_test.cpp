// The one-pass proofs equal solana::merkle_proof leaf by leaf, for every batch size up to 70
// (odd levels and promotions included), and verify against the root.

#include <gtest/gtest.h>

#include "settlement/bridge/batch_proofs.hpp"

namespace qd::settlement {
namespace {

TEST(BatchProofs, EqualTheReferenceProofForEveryLeaf) {
  for (size_t n = 0; n <= 70; ++n) {
    std::vector<solana::Hash> leaves;
    for (size_t i = 0; i < n; ++i) {
      const solana::Bytes fill = {uint8_t(i), uint8_t(n)};
      leaves.push_back(solana::merkle_leaf_hash(fill));
    }
    const auto proofs = all_merkle_proofs(leaves);
    ASSERT_EQ(proofs.size(), n);
    const solana::Hash root = solana::merkle_root_of_leaves(leaves);
    for (size_t i = 0; i < n; ++i) {
      const auto ref = solana::merkle_proof(leaves, i);
      ASSERT_TRUE(ref.ok());
      EXPECT_EQ(proofs[i].siblings, ref.value().siblings) << "n=" << n << " i=" << i;
      EXPECT_EQ(proofs[i].leaf_count, n);
      EXPECT_TRUE(solana::merkle_verify(leaves[i], proofs[i], root));
    }
  }
}

}  // namespace
}  // namespace qd::settlement
