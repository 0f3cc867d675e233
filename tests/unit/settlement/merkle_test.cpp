// The fills merkle tree: roots computed by hand from the documented rules, proofs for every
// position of several batch sizes, and rejection of altered proofs.

#include <gtest/gtest.h>

#include "settlement/solana/merkle.hpp"
#include "settlement/solana/sha256.hpp"

namespace qd::solana {
namespace {

Bytes fill(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

Hash h(std::initializer_list<std::span<const uint8_t>> parts) {
  Sha256 s;
  for (auto p : parts) s.update(p);
  return s.finish();
}

const uint8_t kLeafTag[] = {0x00};
const uint8_t kNodeTag[] = {0x01};

TEST(Merkle, LeafAndNodeHashesUseTheirPrefixes) {
  const Bytes a = fill("fill-a");
  EXPECT_EQ(merkle_leaf_hash(a), h({kLeafTag, a}));
  EXPECT_NE(merkle_leaf_hash(a), sha256(a));
  const Hash l = merkle_leaf_hash(a), r = merkle_leaf_hash(fill("fill-b"));
  EXPECT_EQ(merkle_node_hash(l, r), h({kNodeTag, l.span(), r.span()}));
  EXPECT_NE(merkle_node_hash(l, r), merkle_node_hash(r, l));
}

TEST(Merkle, EmptyAndSingleBatches) {
  EXPECT_EQ(to_hex(merkle_root(std::span<const Bytes>{}).span()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const Bytes one[] = {fill("only")};
  EXPECT_EQ(merkle_root(one), merkle_leaf_hash(one[0]));
}

TEST(Merkle, HandComputedRoots) {
  const Bytes f[] = {fill("a"), fill("b"), fill("c"), fill("d"), fill("e")};
  Hash L[5];
  for (int i = 0; i < 5; ++i) L[i] = merkle_leaf_hash(f[i]);
  auto N = merkle_node_hash;

  EXPECT_EQ(merkle_root(std::span(f, 2)), N(L[0], L[1]));
  // Three: c is promoted unchanged, then paired with the (a,b) node.
  EXPECT_EQ(merkle_root(std::span(f, 3)), N(N(L[0], L[1]), L[2]));
  EXPECT_EQ(merkle_root(std::span(f, 4)), N(N(L[0], L[1]), N(L[2], L[3])));
  // Five: e is promoted twice before meeting the four-leaf subtree.
  EXPECT_EQ(merkle_root(std::span(f, 5)), N(N(N(L[0], L[1]), N(L[2], L[3])), L[4]));
  // Promotion is not duplication: [a,b,c] and [a,b,c,c] differ.
  const Bytes dup[] = {fill("a"), fill("b"), fill("c"), fill("c")};
  EXPECT_NE(merkle_root(std::span(f, 3)), merkle_root(dup));
  // Order matters.
  const Bytes swapped[] = {fill("b"), fill("a")};
  EXPECT_NE(merkle_root(swapped), merkle_root(std::span(f, 2)));
}

TEST(Merkle, ProofsVerifyForEveryPositionAndSize) {
  for (uint64_t n = 1; n <= 13; ++n) {
    std::vector<Hash> leaves;
    for (uint64_t i = 0; i < n; ++i)
      leaves.push_back(merkle_leaf_hash(fill("f" + std::to_string(i))));
    const Hash root = merkle_root_of_leaves(leaves);
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = merkle_proof(leaves, i);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(merkle_verify(leaves[i], proof.value(), root)) << n << "/" << i;
      // The proof is bound to its leaf and position.
      EXPECT_FALSE(merkle_verify(leaves[(i + 1) % n], proof.value(), root) && n > 1);
    }
  }
}

TEST(Merkle, ProofShapeForFive) {
  const Bytes f[] = {fill("a"), fill("b"), fill("c"), fill("d"), fill("e")};
  std::vector<Hash> L;
  for (const auto& x : f) L.push_back(merkle_leaf_hash(x));
  auto p4 = merkle_proof(L, 4).value();  // promoted twice: one sibling, the 4-leaf subtree
  ASSERT_EQ(p4.siblings.size(), 1u);
  EXPECT_EQ(p4.siblings[0],
            merkle_node_hash(merkle_node_hash(L[0], L[1]), merkle_node_hash(L[2], L[3])));
  auto p2 = merkle_proof(L, 2).value();
  EXPECT_EQ(p2.siblings, (std::vector<Hash>{L[3], merkle_node_hash(L[0], L[1]), L[4]}));
}

TEST(Merkle, RejectsAlteredProofs) {
  std::vector<Hash> leaves;
  for (int i = 0; i < 6; ++i) leaves.push_back(merkle_leaf_hash(fill("x" + std::to_string(i))));
  const Hash root = merkle_root_of_leaves(leaves);
  const MerkleProof good = merkle_proof(leaves, 3).value();
  ASSERT_TRUE(merkle_verify(leaves[3], good, root));

  MerkleProof p = good;
  p.siblings[1].bytes[0] ^= 1;
  EXPECT_FALSE(merkle_verify(leaves[3], p, root));
  p = good;
  p.siblings.pop_back();
  EXPECT_FALSE(merkle_verify(leaves[3], p, root));
  p = good;
  p.siblings.push_back(root);
  EXPECT_FALSE(merkle_verify(leaves[3], p, root));
  p = good;
  p.leaf_index = 2;  // claims the other side of the same pair
  EXPECT_FALSE(merkle_verify(leaves[3], p, root));
  p = good;
  p.leaf_count = 4;  // a smaller batch: fewer levels, so a sibling is left over
  EXPECT_FALSE(merkle_verify(leaves[3], p, root));
  p = good;
  p.leaf_index = 6;
  EXPECT_FALSE(merkle_verify(leaves[3], p, root));
  EXPECT_FALSE(merkle_verify(leaves[3], good, merkle_leaf_hash(fill("other"))));
  EXPECT_FALSE(merkle_proof(leaves, 6).ok());
}

}  // namespace
}  // namespace qd::solana
