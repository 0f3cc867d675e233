#include "settlement/solana/message.hpp"

#include <algorithm>
#include <string>

#include "settlement/solana/short_vec.hpp"

namespace qd::solana {
namespace {

// Most entries any account index (u8) can address.
constexpr size_t kMaxIndexable = 256;

struct KeyMeta {
  Pubkey key;
  bool is_signer = false;
  bool is_writable = false;
  bool is_invoked = false;  // a program id: never looked up from a table
};

// Keys in first-appearance order with merged privileges; the payer is a writable signer.
std::vector<KeyMeta> collect_keys(const Pubkey& payer, std::span<const Instruction> instructions) {
  std::vector<KeyMeta> metas;
  auto get = [&metas](const Pubkey& key) -> KeyMeta& {
    for (auto& m : metas) {
      if (m.key == key) return m;
    }
    metas.push_back(KeyMeta{key});
    return metas.back();
  };
  KeyMeta& p = get(payer);
  p.is_signer = true;
  p.is_writable = true;
  for (const auto& ix : instructions) {
    get(ix.program_id).is_invoked = true;
    for (const auto& a : ix.accounts) {
      KeyMeta& m = get(a.pubkey);
      m.is_signer = m.is_signer || a.is_signer;
      m.is_writable = m.is_writable || a.is_writable;
    }
  }
  return metas;
}

// Orders the static keys into the four privilege groups and fills the header.
Result<std::vector<Pubkey>> order_static_keys(const std::vector<KeyMeta>& metas,
                                              MessageHeader& header) {
  std::vector<Pubkey> keys;
  keys.reserve(metas.size());
  size_t signers = 0, readonly_signed = 0, readonly_unsigned = 0;
  for (int group = 0; group < 4; ++group) {
    const bool signer = group < 2;
    const bool writable = group % 2 == 0;
    for (const auto& m : metas) {
      if (m.is_signer != signer || m.is_writable != writable) continue;
      keys.push_back(m.key);
      if (signer) ++signers;
      if (signer && !writable) ++readonly_signed;
      if (!signer && !writable) ++readonly_unsigned;
    }
  }
  if (keys.size() > kMaxIndexable) {
    return Error{"message needs " + std::to_string(keys.size()) + " static account keys (max " +
                 std::to_string(kMaxIndexable) + ")"};
  }
  if (signers > 255) return Error{"too many signers: " + std::to_string(signers)};
  header.num_required_signatures = static_cast<uint8_t>(signers);
  header.num_readonly_signed_accounts = static_cast<uint8_t>(readonly_signed);
  header.num_readonly_unsigned_accounts = static_cast<uint8_t>(readonly_unsigned);
  return keys;
}

Result<std::vector<CompiledInstruction>> compile_instructions(
    std::span<const Instruction> instructions, const std::vector<Pubkey>& all_keys) {
  if (all_keys.size() > kMaxIndexable) {
    return Error{"message needs " + std::to_string(all_keys.size()) + " account keys (max " +
                 std::to_string(kMaxIndexable) + ")"};
  }
  auto index_of = [&all_keys](const Pubkey& key) {
    return static_cast<uint8_t>(std::find(all_keys.begin(), all_keys.end(), key) -
                                all_keys.begin());
  };
  std::vector<CompiledInstruction> out;
  out.reserve(instructions.size());
  for (const auto& ix : instructions) {
    if (ix.accounts.size() > 0xffff || ix.data.size() > 0xffff) {
      return Error{"instruction has too many accounts or too much data for a compact-u16"};
    }
    CompiledInstruction c;
    c.program_id_index = index_of(ix.program_id);
    c.accounts.reserve(ix.accounts.size());
    for (const auto& a : ix.accounts) c.accounts.push_back(index_of(a.pubkey));
    c.data = ix.data;
    out.push_back(std::move(c));
  }
  return out;
}

void append_bytes_with_length(Bytes& out, std::span<const uint8_t> bytes) {
  compact_u16_append(out, static_cast<uint16_t>(bytes.size()));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

}  // namespace

namespace {

Result<Message> compile(const Pubkey& payer, std::span<const Instruction> instructions,
                        const Hash& recent_blockhash,
                        std::span<const AddressLookupTableAccount> tables, MessageVersion version) {
  std::vector<KeyMeta> metas = collect_keys(payer, instructions);
  Message msg;
  msg.version = version;
  msg.recent_blockhash = recent_blockhash;

  std::vector<Pubkey> looked_up_writable, looked_up_readonly;
  for (const auto& table : tables) {
    MessageAddressTableLookup lookup;
    lookup.account_key = table.key;
    const size_t usable = std::min(table.addresses.size(), kMaxIndexable);
    // Writable keys are drained first, then readonly, each in first-appearance order.
    for (int pass = 0; pass < 2; ++pass) {
      const bool want_writable = pass == 0;
      for (auto it = metas.begin(); it != metas.end();) {
        if (it->is_signer || it->is_invoked || it->is_writable != want_writable) {
          ++it;
          continue;
        }
        const auto found =
            std::find(table.addresses.begin(),
                      table.addresses.begin() + static_cast<ptrdiff_t>(usable), it->key);
        if (found == table.addresses.begin() + static_cast<ptrdiff_t>(usable)) {
          ++it;
          continue;
        }
        const auto index = static_cast<uint8_t>(found - table.addresses.begin());
        (want_writable ? lookup.writable_indexes : lookup.readonly_indexes).push_back(index);
        (want_writable ? looked_up_writable : looked_up_readonly).push_back(it->key);
        it = metas.erase(it);
      }
    }
    if (!lookup.writable_indexes.empty() || !lookup.readonly_indexes.empty()) {
      msg.address_table_lookups.push_back(std::move(lookup));
    }
  }

  auto static_keys = order_static_keys(metas, msg.header);
  if (!static_keys) return static_keys.error();
  msg.account_keys = std::move(static_keys).value();

  std::vector<Pubkey> all_keys = msg.account_keys;
  all_keys.insert(all_keys.end(), looked_up_writable.begin(), looked_up_writable.end());
  all_keys.insert(all_keys.end(), looked_up_readonly.begin(), looked_up_readonly.end());
  auto compiled = compile_instructions(instructions, all_keys);
  if (!compiled) return compiled.error();
  msg.instructions = std::move(compiled).value();
  return msg;
}

}  // namespace

Result<Message> compile_legacy_message(const Pubkey& payer,
                                       std::span<const Instruction> instructions,
                                       const Hash& recent_blockhash) {
  return compile(payer, instructions, recent_blockhash, {}, MessageVersion::Legacy);
}

Result<Message> compile_v0_message(const Pubkey& payer, std::span<const Instruction> instructions,
                                   const Hash& recent_blockhash,
                                   std::span<const AddressLookupTableAccount> tables) {
  return compile(payer, instructions, recent_blockhash, tables, MessageVersion::V0);
}

Bytes Message::serialize() const {
  Bytes out;
  out.reserve(serialized_size());
  if (version == MessageVersion::V0) out.push_back(MESSAGE_VERSION_PREFIX | 0);
  out.push_back(header.num_required_signatures);
  out.push_back(header.num_readonly_signed_accounts);
  out.push_back(header.num_readonly_unsigned_accounts);
  compact_u16_append(out, static_cast<uint16_t>(account_keys.size()));
  for (const auto& k : account_keys) out.insert(out.end(), k.bytes.begin(), k.bytes.end());
  out.insert(out.end(), recent_blockhash.bytes.begin(), recent_blockhash.bytes.end());
  compact_u16_append(out, static_cast<uint16_t>(instructions.size()));
  for (const auto& ix : instructions) {
    out.push_back(ix.program_id_index);
    append_bytes_with_length(out, ix.accounts);
    append_bytes_with_length(out, ix.data);
  }
  if (version == MessageVersion::V0) {
    compact_u16_append(out, static_cast<uint16_t>(address_table_lookups.size()));
    for (const auto& l : address_table_lookups) {
      out.insert(out.end(), l.account_key.bytes.begin(), l.account_key.bytes.end());
      append_bytes_with_length(out, l.writable_indexes);
      append_bytes_with_length(out, l.readonly_indexes);
    }
  }
  return out;
}

size_t Message::serialized_size() const {
  auto cu = [](size_t n) { return compact_u16_size(static_cast<uint16_t>(n)); };
  size_t n = (version == MessageVersion::V0 ? 1 : 0) + 3;
  n += cu(account_keys.size()) + 32 * account_keys.size() + 32;
  n += cu(instructions.size());
  for (const auto& ix : instructions) {
    n += 1 + cu(ix.accounts.size()) + ix.accounts.size() + cu(ix.data.size()) + ix.data.size();
  }
  if (version == MessageVersion::V0) {
    n += cu(address_table_lookups.size());
    for (const auto& l : address_table_lookups) {
      n += 32 + cu(l.writable_indexes.size()) + l.writable_indexes.size() +
           cu(l.readonly_indexes.size()) + l.readonly_indexes.size();
    }
  }
  return n;
}

size_t Message::total_account_count() const {
  size_t n = account_keys.size();
  for (const auto& l : address_table_lookups) {
    n += l.writable_indexes.size() + l.readonly_indexes.size();
  }
  return n;
}

namespace {

Result<Bytes> read_length_prefixed(ByteReader& r) {
  auto len = r.compact_u16();
  if (!len) return len.error();
  auto bytes = r.bytes(len.value());
  if (!bytes) return bytes.error();
  return Bytes(bytes.value().begin(), bytes.value().end());
}

template <class T>
Result<T> read_fixed(ByteReader& r) {
  auto bytes = r.bytes(T::size);
  if (!bytes) return bytes.error();
  return T::from_bytes(bytes.value());
}

}  // namespace

Result<Message> Message::deserialize(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  Message m;
  auto first = r.u8();
  if (!first) return first.error();
  uint8_t b0 = first.value();
  if (b0 & MESSAGE_VERSION_PREFIX) {
    if ((b0 & 0x7f) != 0) return Error{"unsupported message version " + std::to_string(b0 & 0x7f)};
    m.version = MessageVersion::V0;
    auto b = r.u8();
    if (!b) return b.error();
    b0 = b.value();
  }
  auto ro_signed = r.u8();
  if (!ro_signed) return ro_signed.error();
  auto ro_unsigned = r.u8();
  if (!ro_unsigned) return ro_unsigned.error();
  m.header = MessageHeader{b0, ro_signed.value(), ro_unsigned.value()};

  auto key_count = r.compact_u16();
  if (!key_count) return key_count.error();
  for (size_t i = 0; i < key_count.value(); ++i) {
    auto k = read_fixed<Pubkey>(r);
    if (!k) return k.error();
    m.account_keys.push_back(k.value());
  }
  const size_t keys = m.account_keys.size();
  if (m.header.num_required_signatures == 0 || m.header.num_required_signatures > keys ||
      m.header.num_readonly_signed_accounts >= m.header.num_required_signatures ||
      m.header.num_readonly_unsigned_accounts > keys - m.header.num_required_signatures) {
    return Error{"message header does not fit its " + std::to_string(keys) + " account keys"};
  }
  auto blockhash = read_fixed<Hash>(r);
  if (!blockhash) return blockhash.error();
  m.recent_blockhash = blockhash.value();

  auto ix_count = r.compact_u16();
  if (!ix_count) return ix_count.error();
  for (size_t i = 0; i < ix_count.value(); ++i) {
    CompiledInstruction ix;
    auto program = r.u8();
    if (!program) return program.error();
    ix.program_id_index = program.value();
    auto accounts = read_length_prefixed(r);
    if (!accounts) return accounts.error();
    ix.accounts = std::move(accounts).value();
    auto data = read_length_prefixed(r);
    if (!data) return data.error();
    ix.data = std::move(data).value();
    m.instructions.push_back(std::move(ix));
  }
  if (m.version == MessageVersion::V0) {
    auto lookup_count = r.compact_u16();
    if (!lookup_count) return lookup_count.error();
    for (size_t i = 0; i < lookup_count.value(); ++i) {
      MessageAddressTableLookup l;
      auto key = read_fixed<Pubkey>(r);
      if (!key) return key.error();
      l.account_key = key.value();
      auto w = read_length_prefixed(r);
      if (!w) return w.error();
      l.writable_indexes = std::move(w).value();
      auto ro = read_length_prefixed(r);
      if (!ro) return ro.error();
      l.readonly_indexes = std::move(ro).value();
      m.address_table_lookups.push_back(std::move(l));
    }
  }
  if (r.remaining() != 0) {
    return Error{std::to_string(r.remaining()) + " trailing bytes after the message"};
  }
  const size_t total = m.total_account_count();
  for (const auto& ix : m.instructions) {
    if (ix.program_id_index >= keys) return Error{"program id index out of range"};
    for (uint8_t a : ix.accounts) {
      if (a >= total) return Error{"account index " + std::to_string(a) + " out of range"};
    }
  }
  return m;
}

}  // namespace qd::solana
