#include "settlement/bridge/manifest.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace qd::settlement {

namespace {

using nlohmann::json;

solana::Result<solana::Pubkey> key_at(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string()) {
    return solana::Error{std::string("missing string '") + name + "'"};
  }
  auto k = solana::Pubkey::from_base58(j[name].get<std::string>());
  if (!k) return solana::Error{std::string("'") + name + "': " + k.error().message};
  return k.value();
}

std::string string_at(const json& j, const char* name) {
  return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
}

}  // namespace

solana::Result<Manifest> parse_manifest(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const std::exception& e) {
    return solana::Error{std::string("not JSON: ") + e.what()};
  }
  if (!j.is_object()) return solana::Error{"not a JSON object"};
  Manifest m;
  m.rpc_url = string_at(j, "rpc_url");
  m.authority_keypair = string_at(j, "authority_keypair");
  m.genesis_hash = string_at(j, "genesis_hash");
  if (m.authority_keypair.empty()) return solana::Error{"missing string 'authority_keypair'"};
  for (auto [field, name] : {std::pair{&m.mint, "mint"}, std::pair{&m.authority, "authority"},
                             std::pair{&m.vault, "vault"}}) {
    auto k = key_at(j, name);
    if (!k) return k.error();
    *field = k.value();
  }
  if (!j.contains("decimals") || !j["decimals"].is_number_unsigned() ||
      j["decimals"].get<uint64_t>() > 18) {
    return solana::Error{"'decimals' must be an integer 0..18"};
  }
  m.decimals = uint8_t(j["decimals"].get<uint64_t>());
  if (!j.contains("accounts") || !j["accounts"].is_object()) {
    return solana::Error{"missing object 'accounts'"};
  }
  for (const auto& [id, a] : j["accounts"].items()) {
    if (!a.is_object()) return solana::Error{"accounts." + id + " is not an object"};
    ManifestAccount out;
    auto owner = key_at(a, "owner");
    auto token = key_at(a, "token_account");
    if (!owner) return solana::Error{"accounts." + id + ": " + owner.error().message};
    if (!token) return solana::Error{"accounts." + id + ": " + token.error().message};
    out.owner = owner.value();
    out.token_account = token.value();
    out.owner_keypair = string_at(a, "owner_keypair");
    m.accounts.emplace(id, std::move(out));
  }
  return m;
}

solana::Result<Manifest> load_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) return solana::Error{"manifest " + path + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  auto m = parse_manifest(text.str());
  if (!m) return solana::Error{"manifest " + path + ": " + m.error().message};
  return m;
}

}  // namespace qd::settlement
