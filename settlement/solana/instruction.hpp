#pragma once
// An instruction before compilation: the program to run, the accounts it touches with their
// privileges, and its opaque data.

#include <cstdint>
#include <vector>

#include "settlement/solana/pubkey.hpp"

namespace qd::solana {

struct AccountMeta {
  Pubkey pubkey;
  bool is_signer = false;    ///< the transaction must carry this key's signature
  bool is_writable = false;  ///< the instruction may change the account (write lock)

  static AccountMeta writable(const Pubkey& key, bool signer = false) {
    return AccountMeta{key, signer, true};
  }
  static AccountMeta readonly(const Pubkey& key, bool signer = false) {
    return AccountMeta{key, signer, false};
  }
  bool operator==(const AccountMeta&) const = default;
};

struct Instruction {
  Pubkey program_id;
  std::vector<AccountMeta> accounts;
  Bytes data;
  bool operator==(const Instruction&) const = default;
};

}  // namespace qd::solana
