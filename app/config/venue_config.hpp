#pragma once
// The venue's configuration as plain values, validated once by the loader (config_loader.hpp)
// before anything starts. No YAML here: every module codes against these structs.
//
// Units: prices qd::Price (1e-6 USDC), base quantities qd::Qty (1e-9), money qd::Quote (1e-6 USDC).
// Percentages and ratios are integers in basis points (1e4 = 100%, so 1000 = 10%, as in RISK.md);
// fees are in ppm (1e6 = 100%); funding rates in 1e-9. The YAML keys keep the operator's units
// (`initial_margin_pct: "10"`, `taker_fee_bps: "10"`) and the loader converts them exactly.
// Defaults below are what the loader fills in when a key is absent; config/README.md lists them.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/market_spec.hpp"
#include "core/order_types.hpp"

namespace qd {

/// 1e6 = 100%: fees and the initial-margin size premium factor.
inline constexpr int64_t PPM_PRECISION = 1'000'000;
/// 1e9 = 100%: funding rates (RISK.md).
inline constexpr int64_t FUNDING_RATE_PRECISION = 1'000'000'000;

struct VenueSection {
  std::string name = "QuantDesk";  ///< shown in logs and the admin socket
  /// Root of everything the venue writes (journal, FIX stores and logs, keys). Relative paths
  /// are relative to the working directory. Restart to change.
  std::string data_dir = "data";
};

struct TlsConfig {
  std::string cert;                  ///< PEM certificate chain (required)
  std::string key;                   ///< PEM private key (required)
  std::string ca;                    ///< PEM CA bundle for client certificates; "" = none
  bool require_client_cert = false;  ///< mutual TLS; true requires `ca`
};

/// One FIX acceptor socket. Any change to a listener needs a restart.
struct ListenerConfig {
  std::string name;                ///< unique; sessions name the listener they accept on
  std::string bind = "127.0.0.1";  ///< address to bind
  uint16_t port = 0;               ///< 1-65535, unique across listeners, metrics and localnet
  std::optional<TlsConfig> tls;    ///< absent = plain TCP
};

struct EngineConfig {
  /// Commands waiting for the sequencer, 1024..16777216; full -> "system busy" reject.
  uint32_t queue_capacity = 65536;
  /// Day/GTD expiry and funding sampling are checked this often, 1..1000 ms.
  uint32_t clock_tick_ms = 100;
};

enum class Durability : uint8_t {
  sync,    ///< SQLite synchronous=FULL: an ack survives power loss (the venue's promise)
  normal,  ///< synchronous=NORMAL in WAL: survives a process crash, not power loss (tests, demos)
};

struct JournalConfig {
  std::string path;  ///< SQLite file; default <data_dir>/journal.db
  Durability durability = Durability::sync;
  uint32_t batch_max_commands = 256;  ///< group commit when this many are waiting (1..65536)...
  uint32_t batch_max_delay_us = 500;  ///< ...or this long has passed (0..1000000 us)
  /// An engine snapshot in the journal every this many commands, so a restart replays only the
  /// commands after the newest one. 0 = off (restart replays everything); else 1000..1e9.
  uint64_t snapshot_every_commands = 100'000;
  /// The edges' views (order view, market data, ...) saved every this many commands, so a
  /// restart hands the edges only the events after them. Saving pauses the event publisher for
  /// a time proportional to the orders of today and yesterday. 0 = off; else 1000..1e9.
  uint64_t view_snapshot_every_commands = 0;
};

enum class OracleSource : uint8_t {
  admin,  ///< prices pushed through qdctl / the admin socket (quickstart, tests)
};

struct OracleConfig {
  OracleSource source = OracleSource::admin;
  Price initial_price{0};         ///< mark/oracle before the first update (required, > 0)
  uint32_t max_staleness_s = 60;  ///< older than this (command time): stale for margin
  uint32_t fill_staleness_s = 5;  ///< older than this: no risk-increasing fills; <= max_staleness_s
  /// YAML max_confidence_pct ("2"): a confidence wider than this share of price is too uncertain.
  int64_t max_confidence_bps = 200;
  int64_t mark_band_bps = 100;  ///< YAML mark_band_pct ("1"): mark clamped to oracle +/- this
};

/// One perpetual market. The id is its 0-based position in the (merged) markets list.
struct MarketConfig {
  MarketId id = 0;                    ///< position in the list; never taken from YAML
  std::string symbol;                 ///< e.g. "BTC-PERP"; unique; [A-Z0-9-] up to 32 chars
  Price tick_size{0};                 ///< > 0 (required)
  Qty lot_size{0};                    ///< > 0 (required)
  Qty min_size{0};                    ///< >= lot and a multiple of it; default one lot
  Quote min_notional{0};              ///< smallest price x qty; 0 = none
  Qty max_order_size{0};              ///< multiple of lot, >= min_size; 0 = none
  Quote max_order_notional{0};        ///< 0 = none
  int64_t price_band_bps = 500;       ///< YAML price_band_pct (default "5"); 1..10000 bps
  int64_t initial_margin_bps = 1000;  ///< YAML initial_margin_pct; maintenance < initial <= 10000
  int64_t maintenance_margin_bps = 500;  ///< YAML maintenance_margin_pct; > 0
  int64_t imf_factor_ppm = 0;            ///< YAML imf_factor ("0.001" = 1000); size premium, 0..1e6
  Qty max_position{0};                   ///< per account, absolute base; 0 = none
  Qty open_interest_cap{0};              ///< per side, base; 0 = none
  int64_t maker_fee_ppm = 0;             ///< YAML maker_fee_bps ("-2" = -200); negative = rebate
  int64_t taker_fee_ppm = 0;             ///< YAML taker_fee_bps ("10" = 1000); >= 0, >= -maker
  uint32_t funding_interval_s = 3600;    ///< 60..86400, divides 86400
  OracleConfig oracle;
  MarketStatus status = MarketStatus::open;  ///< YAML status: open | halted | closed (live)
  /// YAML day_end_utc "HH:MM" (default "00:00"): when Day orders expire, as an offset from UTC
  /// midnight in nanoseconds.
  TimestampNs day_end_offset_ns = 0;
};

/// The engine's static rules for a market, from its config.
inline MarketSpec to_market_spec(const MarketConfig& m) {
  MarketSpec s;
  s.id = m.id;
  s.symbol = m.symbol;
  s.tick_size = m.tick_size;
  s.lot_size = m.lot_size;
  s.min_size = m.min_size;
  s.min_notional = m.min_notional;
  s.max_order_size = m.max_order_size;
  s.max_order_notional = m.max_order_notional;
  s.price_band_bps = m.price_band_bps;
  s.status = m.status;
  s.day_end_offset_ns = m.day_end_offset_ns;
  return s;
}

/// A trading account. The numeric id is its 1-based position in the (merged) accounts list:
/// new accounts are appended, existing ones are disabled rather than removed.
struct AccountConfig {
  AccountId number = 0;  ///< position + 1; never taken from YAML
  std::string id;        ///< e.g. "DESK-A"; unique; [A-Za-z0-9_-] up to 32 chars
  Quote collateral{0};   ///< initial USDC credited at first start; >= 0
  StpMode stp_mode = StpMode::cancel_resting;
  StpGroupId stp_group = 0;         ///< accounts sharing a non-zero group never self-trade
  uint32_t max_open_orders = 1000;  ///< 1..1000000
  bool enabled = true;              ///< false: new orders rejected, open orders cancelled (live)
};

enum class SessionRole : uint8_t {
  order_entry,  ///< trades for its accounts
  drop_copy,    ///< receives copies of every execution of its accounts; sends no orders
  market_data,  ///< MarketDataRequest only
};

inline const char* to_string(SessionRole r) {
  switch (r) {
    case SessionRole::order_entry:
      return "order_entry";
    case SessionRole::drop_copy:
      return "drop_copy";
    case SessionRole::market_data:
      return "market_data";
  }
  return "unknown";
}

struct AuthConfig {
  std::string username;  ///< Logon Username (553); required, unique across sessions
  /// argon2id PHC string "$argon2id$v=19$m=...,t=...,p=...$salt$hash" checked against Password
  /// (554) at logon. Clear-text passwords are rejected by the loader.
  std::string password_hash;
  /// Optional ed25519 key: when set, the Logon's RawData (96) must carry a signature by it.
  /// YAML `ed25519_public_key`: base58 (Solana style) or "base64:..." text.
  std::optional<std::array<uint8_t, 32>> ed25519_public_key;
};

/// Inbound message rate limit: a token bucket per session.
struct ThrottleConfig {
  uint32_t messages_per_second = 100;  ///< refill rate, 1..100000
  uint32_t burst = 200;                ///< bucket size, >= messages_per_second
  uint32_t logout_after_breaches =
      50;                         ///< rejected messages within the window before Logout; 0 = never
  uint32_t breach_window_s = 10;  ///< 1..3600
};

/// A time of day for QuickFIX StartTime / EndTime.
struct TimeOfDay {
  uint8_t hour = 0;    ///< 0..23
  uint8_t minute = 0;  ///< 0..59
  uint8_t second = 0;  ///< 0..59
  constexpr auto operator<=>(const TimeOfDay&) const = default;
  /// "HH:MM:SS", the form QuickFIX reads.
  std::string to_string() const {
    char b[9] = {char('0' + hour / 10),   char('0' + hour % 10),   ':',
                 char('0' + minute / 10), char('0' + minute % 10), ':',
                 char('0' + second / 10), char('0' + second % 10), '\0'};
    return b;
  }
};

enum class Weekday : uint8_t { sunday, monday, tuesday, wednesday, thursday, friday, saturday };

/// Time zone of StartTime/EndTime. QuickFIX 1.15 knows UTC or the host's local time only.
enum class SessionTimeZone : uint8_t { utc, local };

/// The standard QuickFIX session settings (names in comments), typed, with the venue's defaults.
/// A weekly session sets both start_day and end_day; a daily one neither.
struct QuickFixSettings {
  uint32_t heart_bt_int = 30;        ///< HeartBtInt, seconds, 1..300 (expected in Logon)
  TimeOfDay start_time{0, 0, 0};     ///< StartTime; equal to end_time = 24h session
  TimeOfDay end_time{0, 0, 0};       ///< EndTime
  std::optional<Weekday> start_day;  ///< StartDay (weekly sessions)
  std::optional<Weekday> end_day;    ///< EndDay
  SessionTimeZone time_zone = SessionTimeZone::utc;  ///< UseLocalTime=Y when local
  bool reset_on_logon = false;               ///< ResetOnLogon: keep sequence numbers (resend works)
  bool reset_on_logout = false;              ///< ResetOnLogout
  bool reset_on_disconnect = false;          ///< ResetOnDisconnect
  bool refresh_on_logon = false;             ///< RefreshOnLogon: reload store from disk (failover)
  bool validate_fields_out_of_order = true;  ///< ValidateFieldsOutOfOrder
  bool validate_fields_have_values = true;   ///< ValidateFieldsHaveValues
  bool validate_user_defined_fields =
      true;                               ///< ValidateUserDefinedFields (venue tags are in spec/)
  bool allow_unknown_msg_fields = false;  ///< AllowUnknownMsgFields
  uint8_t timestamp_precision = 6;        ///< TimestampPrecision: 0, 3, 6 or 9 digits
  uint32_t max_latency = 120;             ///< MaxLatency, seconds of SendingTime skew, 1..3600
  bool check_latency = true;              ///< CheckLatency
  uint32_t logout_timeout = 2;            ///< LogoutTimeout, seconds, 1..60
  uint32_t logon_timeout = 10;            ///< LogonTimeout, seconds, 1..60
  bool persist_messages = true;           ///< PersistMessages (needed for resend)
  std::string file_store_path;            ///< FileStorePath; default <data_dir>/fix/store
  std::string file_log_path;              ///< FileLogPath; default <data_dir>/fix/log
};

/// One FIX session the acceptor accepts: identified by the (SenderCompID, TargetCompID) pair.
struct SessionConfig {
  std::string sender_comp_id;  ///< the client's SenderCompID (49 on inbound messages)
  std::string target_comp_id;  ///< ours (56 on inbound messages)
  SessionRole role = SessionRole::order_entry;
  std::string listener;  ///< name of the listener it accepts on; default the first
  /// Accounts this session trades for (order_entry, non-empty) or watches (drop_copy).
  /// Ignored when all_accounts. Market-data sessions name none.
  std::vector<std::string> accounts;
  bool all_accounts = false;  ///< YAML `accounts: "all"`; drop_copy only
  AuthConfig auth;
  /// Inbound limit; always set for order_entry and market_data (defaults when absent),
  /// never for drop_copy.
  std::optional<ThrottleConfig> throttle;
  bool cancel_on_disconnect = false;  ///< order_entry only; default true there
  bool allow_market_data = false;     ///< order_entry only: may also send MarketDataRequest
  /// drop_copy only: fills as TradeCaptureReport (AE) instead of ExecutionReport F
  bool trade_capture_reports = false;
  bool enabled = true;  ///< false: logons refused, existing session logged out (live)
  QuickFixSettings quickfix;
};

struct RiskConfig {
  Quote insurance_fund{0};                    ///< USDC seeded at first start; >= 0
  int64_t liquidation_fee_bps = 100;          ///< YAML liquidation_fee_pct ("1"); 0..1000
  int64_t liquidation_buffer_bps = 200;       ///< YAML liquidation_buffer_pct ("2"); 0..2000
  int64_t unrealized_pnl_weight_bps = 10000;  ///< YAML unrealized_pnl_weight_pct; 0..10000
  Quote impact_notional{500'000'000};         ///< YAML impact_notional ("500"): funding impact size
  uint32_t funding_sample_s = 5;              ///< premium sampled this often (command time)
  int64_t funding_interest_8h_e9 = 100'000;   ///< YAML funding_interest_rate_pct ("0.01")
  int64_t funding_clamp_8h_e9 = 500'000;      ///< YAML funding_clamp_pct ("0.05")
  int64_t funding_cap_hourly_e9 = 1'250'000;  ///< YAML funding_cap_hourly_pct ("0.125")
};

enum class Commitment : uint8_t { processed, confirmed, finalized };

struct SettlementConfig {
  bool enabled = false;
  std::string rpc_url = "http://127.0.0.1:8899";  ///< http:// or https:// JSON-RPC endpoint
  Commitment commitment = Commitment::confirmed;
  std::string keys_dir;                ///< default <data_dir>/keys
  std::string manifest;                ///< default <data_dir>/localnet-manifest.json
  Quote delegate_allowance{0};         ///< USDC each account delegates to the venue; >= 0
  Quote vault_float{0};                ///< USDC kept in the venue vault; >= 0
  uint32_t batch_max_fills = 64;       ///< 1..1000 fills per settlement batch...
  uint32_t batch_max_delay_ms = 1000;  ///< ...or this long since the first unsettled fill
};

struct LocalnetConfig {
  uint16_t port = 8899;          ///< JSON-RPC port of the local chain
  uint32_t block_ms = 400;       ///< slot time, 1..10000 ms
  std::string state_file;        ///< default <data_dir>/localnet-state.json
  uint32_t finalize_depth = 32;  ///< slots until "finalized", 1..1000
};

struct MetricsConfig {
  bool enabled = true;
  std::string bind = "127.0.0.1";
  uint16_t port = 9464;  ///< Prometheus /metrics
};

struct AdminConfig {
  std::string socket;  ///< qdctl Unix socket; default <data_dir>/qdctl.sock
};

enum class LogLevel : uint8_t { trace, debug, info, warn, error, critical, off };

struct LoggingConfig {
  LogLevel level = LogLevel::info;  ///< live
  std::string file;                 ///< default <data_dir>/logs/quantdesk.log; "" = stderr only
  uint32_t max_size_mb = 50;        ///< rotate at this size, 1..10000 MB
  uint32_t max_files = 5;           ///< rotated files kept, 1..1000
};

/// Market data (MarketDataRequest V, W/X/Y): limits that keep subscribers from slowing anyone.
struct MarketDataConfig {
  /// Largest MarketDepth (264) a subscription may ask for, levels per side, 0..10000;
  /// 0 = no limit (full depth, 264=0, allowed).
  uint32_t max_depth = 0;
  /// Incremental refreshes are built at most this often, 0..60000 ms; 0 = after every
  /// committed batch. Changes in between are merged into one refresh.
  uint32_t conflation_interval_ms = 0;
  /// Market-data messages queued for one session before its subscriptions are conflated (sent
  /// a fresh snapshot once it catches up), 10..1000000.
  uint32_t session_queue_limit = 10000;
  /// Active subscriptions per session, 1..10000.
  uint32_t max_subscriptions = 100;
};

struct VenueConfig {
  VenueSection venue;
  std::vector<ListenerConfig> listeners;
  EngineConfig engine;
  JournalConfig journal;
  std::vector<MarketConfig> markets;
  std::vector<AccountConfig> accounts;
  std::vector<SessionConfig> sessions;
  RiskConfig risk;
  SettlementConfig settlement;
  LocalnetConfig localnet;
  MetricsConfig metrics;
  AdminConfig admin;
  LoggingConfig logging;
  MarketDataConfig market_data;
};

}  // namespace qd
