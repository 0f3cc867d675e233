// The manifest the localnet setup writes, as the bridge reads it.

#include <gtest/gtest.h>

#include "settlement/bridge/manifest.hpp"

namespace qd::settlement {
namespace {

const char* kManifest = R"({
  "rpc_url": "http://127.0.0.1:8899",
  "mint": "So11111111111111111111111111111111111111112",
  "decimals": 6,
  "authority": "11111111111111111111111111111111",
  "authority_keypair": "/keys/authority.json",
  "vault": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
  "accounts": {
    "DESK-A": {"owner": "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
               "token_account": "ComputeBudget111111111111111111111111111111",
               "owner_keypair": "/keys/accounts/DESK-A.json",
               "initial_collateral_units": "1000000000000"}
  },
  "genesis_hash": "GH"
})";

TEST(Manifest, ReadsKeysAccountsAndChain) {
  auto m = parse_manifest(kManifest);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().rpc_url, "http://127.0.0.1:8899");
  EXPECT_EQ(m.value().decimals, 6);
  EXPECT_EQ(m.value().authority_keypair, "/keys/authority.json");
  EXPECT_EQ(m.value().vault.to_base58(), "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
  ASSERT_EQ(m.value().accounts.size(), 1u);
  EXPECT_EQ(m.value().accounts.at("DESK-A").token_account.to_base58(),
            "ComputeBudget111111111111111111111111111111");
  EXPECT_EQ(m.value().genesis_hash, "GH");
}

TEST(Manifest, RejectsWhatItCannotUse) {
  std::string bad = kManifest;
  bad.replace(bad.find("\"decimals\": 6"), 13, "\"decimals\": 60");
  EXPECT_NE(parse_manifest(bad).error().message.find("decimals"), std::string::npos);
  bad = kManifest;
  bad.replace(bad.find("So111"), 5, "0OIl0");
  EXPECT_NE(parse_manifest(bad).error().message.find("mint"), std::string::npos);
  EXPECT_FALSE(parse_manifest("[1, 2]").ok());
  EXPECT_FALSE(parse_manifest("{").ok());
  EXPECT_NE(load_manifest("/nonexistent/manifest.json").error().message.find("/nonexistent"),
            std::string::npos);
}

}  // namespace
}  // namespace qd::settlement
