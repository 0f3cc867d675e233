#pragma once
// A synchronous Solana JSON-RPC client over HttpClient, with typed helpers for the methods
// settlement uses. Amounts stay integers: lamports (1e-9 SOL) and token base units as u64;
// fields the node sends as floats (uiAmount) are not read. Not thread-safe: one per thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "settlement/solana/http_client.hpp"
#include "settlement/solana/pubkey.hpp"
#include "settlement/solana/result.hpp"

namespace qd::solana {

enum class Commitment { Processed, Confirmed, Finalized };
std::string_view to_string(Commitment c);

struct RpcError {
  enum class Kind {
    Transport,  ///< could not connect, send or read (timeouts included): the request may or
                ///< may not have reached the node
    Http,       ///< a non-200 status without a JSON-RPC error body
    Rpc,        ///< the node answered with a JSON-RPC error object
    Decode,     ///< the answer was not the JSON shape the method promises
    Invalid,    ///< refused before sending (bad arguments)
  };
  Kind kind = Kind::Transport;
  int64_t code = 0;     ///< JSON-RPC error code (Rpc), HTTP status (Http), else 0
  std::string message;  ///< human text, names the method
  nlohmann::json data;  ///< JSON-RPC error data (e.g. a preflight failure's err and logs)
};

template <class T>
using RpcResult = Result<T, RpcError>;

struct RpcOptions {
  HttpOptions http;
};

struct LatestBlockhash {
  Hash blockhash;
  uint64_t last_valid_block_height = 0;  ///< the blockhash expires after this block height
  uint64_t context_slot = 0;             ///< slot the node answered at
};

struct SendOptions {
  bool skip_preflight = false;
  Commitment preflight_commitment = Commitment::Finalized;
  std::optional<uint32_t> max_retries;  ///< node-side rebroadcasts; empty = node default
};

struct SimulateOptions {
  bool sig_verify = false;  ///< may not be combined with replace_recent_blockhash
  bool replace_recent_blockhash = false;
  Commitment commitment = Commitment::Finalized;
};

struct SimulateResult {
  nlohmann::json err;  ///< null when the simulated transaction succeeded
  std::vector<std::string> logs;
  std::optional<uint64_t> units_consumed;
};

struct SignatureStatus {
  uint64_t slot = 0;
  std::optional<uint64_t> confirmations;  ///< empty once rooted (finalized)
  nlohmann::json err;                     ///< null when the transaction succeeded
  std::string confirmation_status;        ///< "processed", "confirmed", "finalized" or ""
};

struct TokenAmount {
  uint64_t amount = 0;  ///< base units of the mint
  uint8_t decimals = 0;
  std::string ui_amount_string;  ///< the node's decimal text, for display only
};

struct AccountInfo {
  uint64_t lamports = 0;
  Pubkey owner;
  Bytes data;
  bool executable = false;
  uint64_t rent_epoch = 0;
};

struct PrioritizationFee {
  uint64_t slot = 0;
  uint64_t prioritization_fee = 0;  ///< micro-lamports per compute unit
};

/// Most signatures one getSignatureStatuses call accepts.
inline constexpr size_t MAX_SIGNATURE_STATUSES = 256;

class RpcClient {
 public:
  /// Parses the endpoint URL (http:// or https://); does not connect yet.
  static Result<RpcClient> create(std::string_view url, RpcOptions options = {});

  /// Calls any method; returns the "result" member.
  RpcResult<nlohmann::json> call(std::string_view method, nlohmann::json params);

  RpcResult<LatestBlockhash> get_latest_blockhash(Commitment commitment);
  RpcResult<uint64_t> get_block_height(Commitment commitment);
  RpcResult<uint64_t> get_slot(Commitment commitment);
  /// Submits a signed, serialized transaction (sent base64). Returns the node's signature,
  /// which is the transaction id; a preflight failure is an Rpc error with data.err/logs.
  RpcResult<Signature> send_transaction(std::span<const uint8_t> transaction,
                                        const SendOptions& options = {});
  RpcResult<SimulateResult> simulate_transaction(std::span<const uint8_t> transaction,
                                                 const SimulateOptions& options = {});
  /// One entry per signature, empty when the node does not know it. Rejects more than
  /// MAX_SIGNATURE_STATUSES signatures.
  RpcResult<std::vector<std::optional<SignatureStatus>>> get_signature_statuses(
      std::span<const Signature> signatures, bool search_transaction_history = false);
  RpcResult<TokenAmount> get_token_account_balance(const Pubkey& account, Commitment commitment);
  /// Empty when the account does not exist.
  RpcResult<std::optional<AccountInfo>> get_account_info(const Pubkey& account,
                                                         Commitment commitment);
  RpcResult<std::vector<PrioritizationFee>> get_recent_prioritization_fees(
      std::span<const Pubkey> writable_accounts = {});
  /// Lamports held by account.
  RpcResult<uint64_t> get_balance(const Pubkey& account, Commitment commitment);
  /// Lamports an account of data_size bytes needs to be rent-exempt.
  RpcResult<uint64_t> get_minimum_balance_for_rent_exemption(uint64_t data_size,
                                                             Commitment commitment);
  /// Asks a test validator's faucet for lamports; returns the airdrop's signature.
  RpcResult<Signature> request_airdrop(const Pubkey& account, uint64_t lamports,
                                       Commitment commitment = Commitment::Confirmed);

  const Url& url() const { return url_; }
  /// Connections opened so far; stays 1 while keep-alive holds.
  uint64_t connections_opened() const { return http_.connections_opened(); }

 private:
  RpcClient(Url url, RpcOptions options);
  Url url_;
  HttpClient http_;
  uint64_t next_id_ = 1;
};

}  // namespace qd::solana
