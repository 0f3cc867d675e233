#include "settlement/solana/programs.hpp"

#include <stdexcept>

namespace qd::solana {
namespace {

void put_u32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_u64(Bytes& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_key(Bytes& out, const Pubkey& k) {
  out.insert(out.end(), k.bytes.begin(), k.bytes.end());
}

// Strict UTF-8: no overlongs, no surrogates, nothing past U+10FFFF.
bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    const uint32_t min_cp = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min_cp || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

}  // namespace

#define QD_PROGRAM_ID(fn, text)                    \
  const Pubkey& fn() {                             \
    static const Pubkey id = pubkey_literal(text); \
    return id;                                     \
  }
QD_PROGRAM_ID(system_program_id, "11111111111111111111111111111111")
QD_PROGRAM_ID(token_program_id, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
QD_PROGRAM_ID(associated_token_program_id, "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
QD_PROGRAM_ID(memo_program_id, "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")
QD_PROGRAM_ID(compute_budget_program_id, "ComputeBudget111111111111111111111111111111")
QD_PROGRAM_ID(address_lookup_table_program_id, "AddressLookupTab1e1111111111111111111111111")
QD_PROGRAM_ID(sysvar_rent_id, "SysvarRent111111111111111111111111111111111")
#undef QD_PROGRAM_ID

Instruction system_transfer(const Pubkey& from, const Pubkey& to, uint64_t lamports) {
  Instruction ix{
      system_program_id(), {AccountMeta::writable(from, true), AccountMeta::writable(to)}, {}};
  put_u32(ix.data, 2);
  put_u64(ix.data, lamports);
  return ix;
}

Instruction system_create_account(const Pubkey& from, const Pubkey& new_account, uint64_t lamports,
                                  uint64_t space, const Pubkey& owner) {
  Instruction ix{system_program_id(),
                 {AccountMeta::writable(from, true), AccountMeta::writable(new_account, true)},
                 {}};
  put_u32(ix.data, 0);
  put_u64(ix.data, lamports);
  put_u64(ix.data, space);
  put_key(ix.data, owner);
  return ix;
}

Instruction token_transfer_checked(const Pubkey& source, const Pubkey& mint,
                                   const Pubkey& destination, const Pubkey& authority,
                                   uint64_t amount, uint8_t decimals) {
  Instruction ix{token_program_id(),
                 {AccountMeta::writable(source), AccountMeta::readonly(mint),
                  AccountMeta::writable(destination), AccountMeta::readonly(authority, true)},
                 {12}};
  put_u64(ix.data, amount);
  ix.data.push_back(decimals);
  return ix;
}

Instruction token_approve(const Pubkey& source, const Pubkey& delegate, const Pubkey& owner,
                          uint64_t amount) {
  Instruction ix{token_program_id(),
                 {AccountMeta::writable(source), AccountMeta::readonly(delegate),
                  AccountMeta::readonly(owner, true)},
                 {4}};
  put_u64(ix.data, amount);
  return ix;
}

Instruction token_approve_checked(const Pubkey& source, const Pubkey& mint, const Pubkey& delegate,
                                  const Pubkey& owner, uint64_t amount, uint8_t decimals) {
  Instruction ix{token_program_id(),
                 {AccountMeta::writable(source), AccountMeta::readonly(mint),
                  AccountMeta::readonly(delegate), AccountMeta::readonly(owner, true)},
                 {13}};
  put_u64(ix.data, amount);
  ix.data.push_back(decimals);
  return ix;
}

Instruction token_revoke(const Pubkey& source, const Pubkey& owner) {
  return Instruction{
      token_program_id(), {AccountMeta::writable(source), AccountMeta::readonly(owner, true)}, {5}};
}

Instruction token_initialize_mint2(const Pubkey& mint, uint8_t decimals,
                                   const Pubkey& mint_authority,
                                   const std::optional<Pubkey>& freeze_authority) {
  Instruction ix{token_program_id(), {AccountMeta::writable(mint)}, {20, decimals}};
  put_key(ix.data, mint_authority);
  // COption<Pubkey> as the token program packs it here: a 1-byte tag, then the key if present.
  ix.data.push_back(freeze_authority ? 1 : 0);
  if (freeze_authority) put_key(ix.data, *freeze_authority);
  return ix;
}

Instruction token_mint_to_checked(const Pubkey& mint, const Pubkey& destination,
                                  const Pubkey& mint_authority, uint64_t amount, uint8_t decimals) {
  Instruction ix{token_program_id(),
                 {AccountMeta::writable(mint), AccountMeta::writable(destination),
                  AccountMeta::readonly(mint_authority, true)},
                 {14}};
  put_u64(ix.data, amount);
  ix.data.push_back(decimals);
  return ix;
}

Pubkey associated_token_address(const Pubkey& owner, const Pubkey& mint,
                                const Pubkey& token_program) {
  const std::span<const uint8_t> seeds[] = {owner.span(), token_program.span(), mint.span()};
  auto found = find_program_address(seeds, associated_token_program_id());
  // Three 32-byte seeds are always valid; failing all 256 bumps has probability 2^-256.
  if (!found) throw std::runtime_error("associated token address: " + found.error().message);
  return found.value().address;
}

Instruction create_associated_token_account_idempotent(const Pubkey& payer, const Pubkey& owner,
                                                       const Pubkey& mint) {
  return Instruction{
      associated_token_program_id(),
      {AccountMeta::writable(payer, true),
       AccountMeta::writable(associated_token_address(owner, mint)), AccountMeta::readonly(owner),
       AccountMeta::readonly(mint), AccountMeta::readonly(system_program_id()),
       AccountMeta::readonly(token_program_id())},
      {1}};
}

Result<Instruction> memo(std::string_view text, std::span<const Pubkey> signers) {
  if (!is_utf8(text)) return Error{"memo text is not valid UTF-8"};
  Instruction ix{memo_program_id(), {}, Bytes(text.begin(), text.end())};
  for (const auto& s : signers) ix.accounts.push_back(AccountMeta::readonly(s, true));
  return ix;
}

Instruction set_compute_unit_limit(uint32_t units) {
  Instruction ix{compute_budget_program_id(), {}, {2}};
  put_u32(ix.data, units);
  return ix;
}

Instruction set_compute_unit_price(uint64_t micro_lamports) {
  Instruction ix{compute_budget_program_id(), {}, {3}};
  put_u64(ix.data, micro_lamports);
  return ix;
}

CreateLookupTable create_lookup_table(const Pubkey& authority, const Pubkey& payer,
                                      uint64_t recent_slot) {
  Bytes slot_le;
  put_u64(slot_le, recent_slot);
  const std::span<const uint8_t> seeds[] = {authority.span(), slot_le};
  auto found = find_program_address(seeds, address_lookup_table_program_id());
  if (!found) throw std::runtime_error("lookup table address: " + found.error().message);
  CreateLookupTable out;
  out.table = found.value().address;
  out.bump = found.value().bump;
  out.instruction =
      Instruction{address_lookup_table_program_id(),
                  {AccountMeta::writable(out.table), AccountMeta::readonly(authority, true),
                   AccountMeta::writable(payer, true), AccountMeta::readonly(system_program_id())},
                  {}};
  put_u32(out.instruction.data, 0);
  put_u64(out.instruction.data, recent_slot);
  out.instruction.data.push_back(out.bump);
  return out;
}

Result<Instruction> extend_lookup_table(const Pubkey& table, const Pubkey& authority,
                                        const Pubkey& payer, std::span<const Pubkey> addresses) {
  if (addresses.empty()) return Error{"extend_lookup_table needs at least one address"};
  if (addresses.size() > LOOKUP_TABLE_MAX_ADDRESSES) {
    return Error{"extend_lookup_table given " + std::to_string(addresses.size()) +
                 " addresses (a table holds at most 256)"};
  }
  Instruction ix{address_lookup_table_program_id(),
                 {AccountMeta::writable(table), AccountMeta::readonly(authority, true),
                  AccountMeta::writable(payer, true), AccountMeta::readonly(system_program_id())},
                 {}};
  put_u32(ix.data, 2);
  put_u64(ix.data, addresses.size());  // bincode Vec length: u64
  for (const auto& a : addresses) put_key(ix.data, a);
  return ix;
}

Instruction deactivate_lookup_table(const Pubkey& table, const Pubkey& authority) {
  Instruction ix{address_lookup_table_program_id(),
                 {AccountMeta::writable(table), AccountMeta::readonly(authority, true)},
                 {}};
  put_u32(ix.data, 3);
  return ix;
}

Instruction close_lookup_table(const Pubkey& table, const Pubkey& authority,
                               const Pubkey& recipient) {
  Instruction ix{address_lookup_table_program_id(),
                 {AccountMeta::writable(table), AccountMeta::readonly(authority, true),
                  AccountMeta::writable(recipient)},
                 {}};
  put_u32(ix.data, 4);
  return ix;
}

}  // namespace qd::solana
