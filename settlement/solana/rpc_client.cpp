#include "settlement/solana/rpc_client.hpp"

#include <stdexcept>

#include "settlement/solana/base64.hpp"

namespace qd::solana {

using nlohmann::json;

std::string_view to_string(Commitment c) {
  switch (c) {
    case Commitment::Processed:
      return "processed";
    case Commitment::Confirmed:
      return "confirmed";
    case Commitment::Finalized:
      return "finalized";
  }
  return "finalized";
}

namespace {

// Parsing throws inside the decoders below; each method turns it into a Decode error.
struct BadShape : std::runtime_error {
  using std::runtime_error::runtime_error;
};

uint64_t as_u64(const json& v, const char* what) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0)
    return static_cast<uint64_t>(v.get<int64_t>());
  throw BadShape(std::string(what) + " is not an unsigned integer");
}

template <class T>
T as_base58(const json& v, const char* what) {
  if (!v.is_string()) throw BadShape(std::string(what) + " is not a string");
  auto parsed = T::from_base58(v.get<std::string>());
  if (!parsed) throw BadShape(std::string(what) + ": " + parsed.error().message);
  return parsed.value();
}

uint64_t parse_decimal_u64(const std::string& s, const char* what) {
  if (s.empty() || s.size() > 20) throw BadShape(std::string(what) + " is not a u64");
  unsigned __int128 v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') throw BadShape(std::string(what) + " is not a u64");
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > UINT64_MAX) throw BadShape(std::string(what) + " exceeds u64");
  return static_cast<uint64_t>(v);
}

json commitment_config(Commitment c) {
  return json{{"commitment", to_string(c)}};
}

template <class T, class F>
RpcResult<T> decode(std::string_view method, RpcResult<json> raw, F&& f) {
  if (!raw) return raw.error();
  try {
    return f(raw.value());
  } catch (const std::exception& e) {
    return RpcError{RpcError::Kind::Decode, 0,
                    std::string(method) + ": unexpected result: " + e.what(), raw.value()};
  }
}

}  // namespace

RpcClient::RpcClient(Url url, RpcOptions options)
    : url_(url), http_(std::move(url), options.http) {}

Result<RpcClient> RpcClient::create(std::string_view url, RpcOptions options) {
  auto parsed = Url::parse(url);
  if (!parsed) return parsed.error();
  return RpcClient(std::move(parsed).value(), std::move(options));
}

RpcResult<json> RpcClient::call(std::string_view method, json params) {
  const uint64_t id = next_id_++;
  const json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
  auto response = http_.post_json(request.dump());
  if (!response) {
    return RpcError{RpcError::Kind::Transport, 0,
                    std::string(method) + ": " + response.error().message, nullptr};
  }
  const HttpResponse& res = response.value();
  json body = json::parse(res.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_discarded() && body.is_object() && body.contains("error") &&
      body["error"].is_object()) {
    const json& err = body["error"];
    RpcError out{RpcError::Kind::Rpc, 0, std::string(method) + ": ", nullptr};
    if (err.contains("code") && err["code"].is_number_integer())
      out.code = err["code"].get<int64_t>();
    out.message += err.contains("message") && err["message"].is_string()
                       ? err["message"].get<std::string>()
                       : std::string("error without a message");
    if (err.contains("data")) out.data = err["data"];
    return out;
  }
  if (res.status != 200) {
    return RpcError{RpcError::Kind::Http, static_cast<int64_t>(res.status),
                    std::string(method) + ": HTTP " + std::to_string(res.status) + " " +
                        res.body.substr(0, 200),
                    nullptr};
  }
  if (body.is_discarded() || !body.is_object() || !body.contains("result")) {
    return RpcError{RpcError::Kind::Decode, 0,
                    std::string(method) + ": response is not a JSON-RPC result", nullptr};
  }
  if (!body.contains("id") || body["id"] != json(id)) {
    return RpcError{
        RpcError::Kind::Decode, 0,
        std::string(method) + ": response id does not match request " + std::to_string(id),
        nullptr};
  }
  return std::move(body["result"]);
}

RpcResult<LatestBlockhash> RpcClient::get_latest_blockhash(Commitment commitment) {
  return decode<LatestBlockhash>(
      "getLatestBlockhash",
      call("getLatestBlockhash", json::array({commitment_config(commitment)})), [](const json& r) {
        LatestBlockhash out;
        out.context_slot = as_u64(r.at("context").at("slot"), "context.slot");
        out.blockhash = as_base58<Hash>(r.at("value").at("blockhash"), "blockhash");
        out.last_valid_block_height =
            as_u64(r.at("value").at("lastValidBlockHeight"), "lastValidBlockHeight");
        return out;
      });
}

RpcResult<uint64_t> RpcClient::get_block_height(Commitment commitment) {
  return decode<uint64_t>("getBlockHeight",
                          call("getBlockHeight", json::array({commitment_config(commitment)})),
                          [](const json& r) { return as_u64(r, "block height"); });
}

RpcResult<uint64_t> RpcClient::get_slot(Commitment commitment) {
  return decode<uint64_t>("getSlot", call("getSlot", json::array({commitment_config(commitment)})),
                          [](const json& r) { return as_u64(r, "slot"); });
}

RpcResult<Signature> RpcClient::send_transaction(std::span<const uint8_t> transaction,
                                                 const SendOptions& options) {
  json config = {{"encoding", "base64"},
                 {"skipPreflight", options.skip_preflight},
                 {"preflightCommitment", to_string(options.preflight_commitment)}};
  if (options.max_retries) config["maxRetries"] = *options.max_retries;
  return decode<Signature>(
      "sendTransaction", call("sendTransaction", json::array({base64_encode(transaction), config})),
      [](const json& r) { return as_base58<Signature>(r, "signature"); });
}

RpcResult<SimulateResult> RpcClient::simulate_transaction(std::span<const uint8_t> transaction,
                                                          const SimulateOptions& options) {
  if (options.sig_verify && options.replace_recent_blockhash) {
    return RpcError{RpcError::Kind::Invalid, 0,
                    "simulateTransaction: sigVerify and replaceRecentBlockhash exclude each other",
                    nullptr};
  }
  const json config = {{"encoding", "base64"},
                       {"sigVerify", options.sig_verify},
                       {"replaceRecentBlockhash", options.replace_recent_blockhash},
                       {"commitment", to_string(options.commitment)}};
  return decode<SimulateResult>(
      "simulateTransaction",
      call("simulateTransaction", json::array({base64_encode(transaction), config})),
      [](const json& r) {
        const json& v = r.at("value");
        SimulateResult out;
        out.err = v.contains("err") ? v["err"] : json(nullptr);
        if (v.contains("logs") && v["logs"].is_array()) {
          for (const auto& line : v["logs"]) out.logs.push_back(line.get<std::string>());
        }
        if (v.contains("unitsConsumed") && !v["unitsConsumed"].is_null()) {
          out.units_consumed = as_u64(v["unitsConsumed"], "unitsConsumed");
        }
        return out;
      });
}

RpcResult<std::vector<std::optional<SignatureStatus>>> RpcClient::get_signature_statuses(
    std::span<const Signature> signatures, bool search_transaction_history) {
  if (signatures.size() > MAX_SIGNATURE_STATUSES) {
    return RpcError{RpcError::Kind::Invalid, 0,
                    "getSignatureStatuses: " + std::to_string(signatures.size()) +
                        " signatures, at most " + std::to_string(MAX_SIGNATURE_STATUSES) +
                        " per call",
                    nullptr};
  }
  json list = json::array();
  for (const auto& s : signatures) list.push_back(s.to_base58());
  const size_t expected = signatures.size();
  return decode<std::vector<std::optional<SignatureStatus>>>(
      "getSignatureStatuses",
      call("getSignatureStatuses",
           json::array({list, {{"searchTransactionHistory", search_transaction_history}}})),
      [expected](const json& r) {
        const json& v = r.at("value");
        if (!v.is_array() || v.size() != expected) {
          throw BadShape("value does not hold one entry per signature");
        }
        std::vector<std::optional<SignatureStatus>> out;
        for (const auto& e : v) {
          if (e.is_null()) {
            out.emplace_back();
            continue;
          }
          SignatureStatus s;
          s.slot = as_u64(e.at("slot"), "slot");
          if (e.contains("confirmations") && !e["confirmations"].is_null()) {
            s.confirmations = as_u64(e["confirmations"], "confirmations");
          }
          s.err = e.contains("err") ? e["err"] : json(nullptr);
          if (e.contains("confirmationStatus") && e["confirmationStatus"].is_string()) {
            s.confirmation_status = e["confirmationStatus"].get<std::string>();
          }
          out.push_back(std::move(s));
        }
        return out;
      });
}

RpcResult<TokenAmount> RpcClient::get_token_account_balance(const Pubkey& account,
                                                            Commitment commitment) {
  return decode<TokenAmount>(
      "getTokenAccountBalance",
      call("getTokenAccountBalance",
           json::array({account.to_base58(), commitment_config(commitment)})),
      [](const json& r) {
        const json& v = r.at("value");
        TokenAmount out;
        out.amount = parse_decimal_u64(v.at("amount").get<std::string>(), "amount");
        const uint64_t decimals = as_u64(v.at("decimals"), "decimals");
        if (decimals > 255) throw BadShape("decimals out of range");
        out.decimals = static_cast<uint8_t>(decimals);
        if (v.contains("uiAmountString") && v["uiAmountString"].is_string()) {
          out.ui_amount_string = v["uiAmountString"].get<std::string>();
        }
        return out;
      });
}

RpcResult<std::optional<AccountInfo>> RpcClient::get_account_info(const Pubkey& account,
                                                                  Commitment commitment) {
  json config = commitment_config(commitment);
  config["encoding"] = "base64";
  return decode<std::optional<AccountInfo>>(
      "getAccountInfo", call("getAccountInfo", json::array({account.to_base58(), config})),
      [](const json& r) -> std::optional<AccountInfo> {
        const json& v = r.at("value");
        if (v.is_null()) return std::nullopt;
        AccountInfo out;
        out.lamports = as_u64(v.at("lamports"), "lamports");
        out.owner = as_base58<Pubkey>(v.at("owner"), "owner");
        out.executable = v.at("executable").get<bool>();
        out.rent_epoch = as_u64(v.at("rentEpoch"), "rentEpoch");
        const json& data = v.at("data");
        if (!data.is_array() || data.size() != 2 || data[1] != "base64") {
          throw BadShape("data is not [text, \"base64\"]");
        }
        auto bytes = base64_decode(data[0].get<std::string>());
        if (!bytes) throw BadShape("data: " + bytes.error().message);
        out.data = std::move(bytes).value();
        return out;
      });
}

RpcResult<std::vector<PrioritizationFee>> RpcClient::get_recent_prioritization_fees(
    std::span<const Pubkey> writable_accounts) {
  json list = json::array();
  for (const auto& k : writable_accounts) list.push_back(k.to_base58());
  return decode<std::vector<PrioritizationFee>>(
      "getRecentPrioritizationFees", call("getRecentPrioritizationFees", json::array({list})),
      [](const json& r) {
        if (!r.is_array()) throw BadShape("result is not an array");
        std::vector<PrioritizationFee> out;
        for (const auto& e : r) {
          out.push_back({as_u64(e.at("slot"), "slot"),
                         as_u64(e.at("prioritizationFee"), "prioritizationFee")});
        }
        return out;
      });
}

RpcResult<uint64_t> RpcClient::get_balance(const Pubkey& account, Commitment commitment) {
  return decode<uint64_t>(
      "getBalance",
      call("getBalance", json::array({account.to_base58(), commitment_config(commitment)})),
      [](const json& r) { return as_u64(r.at("value"), "value"); });
}

RpcResult<uint64_t> RpcClient::get_minimum_balance_for_rent_exemption(uint64_t data_size,
                                                                      Commitment commitment) {
  return decode<uint64_t>("getMinimumBalanceForRentExemption",
                          call("getMinimumBalanceForRentExemption",
                               json::array({data_size, commitment_config(commitment)})),
                          [](const json& r) { return as_u64(r, "lamports"); });
}

RpcResult<Signature> RpcClient::request_airdrop(const Pubkey& account, uint64_t lamports,
                                                Commitment commitment) {
  return decode<Signature>("requestAirdrop",
                           call("requestAirdrop", json::array({account.to_base58(), lamports,
                                                               commitment_config(commitment)})),
                           [](const json& r) { return as_base58<Signature>(r, "signature"); });
}

}  // namespace qd::solana
