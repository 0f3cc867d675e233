#pragma once
// The localnet manifest (settlement/localnet/README.md, "Manifest"): which mint, vault and
// settlement authority the bridge uses and each venue account's token account. Written by
// `setup.js`; for devnet/mainnet the same file is written by hand.

#include <map>
#include <string>

#include "settlement/solana/pubkey.hpp"
#include "settlement/solana/result.hpp"

namespace qd::settlement {

struct ManifestAccount {
  solana::Pubkey owner;          ///< the desk's wallet (owner of the token account)
  solana::Pubkey token_account;  ///< where the desk's collateral mirror lives
  std::string owner_keypair;     ///< path, informational (tests use it to re-approve)
};

struct Manifest {
  std::string rpc_url;
  solana::Pubkey mint;
  uint8_t decimals = 0;
  solana::Pubkey authority;       ///< fee payer, delegate of every desk, owner of the vault
  std::string authority_keypair;  ///< path of the authority's keypair file (mode 0600)
  solana::Pubkey vault;           ///< the authority's token account: the venue's side
  std::map<std::string, ManifestAccount> accounts;  ///< by venue account id ("DESK-A")
  std::string genesis_hash;  ///< of the chain the manifest was made on ("" = unchecked)
};

/// Parses manifest JSON; rejects missing keys, bad base58 and decimals other than 0..18.
solana::Result<Manifest> parse_manifest(const std::string& json_text);
/// Reads and parses a manifest file; errors name the file.
solana::Result<Manifest> load_manifest(const std::string& path);

}  // namespace qd::settlement
