#pragma once
// Positions and collateral over FIX 4.4: RequestForPositions (AN) -> RequestForPositionsAck (AO)
// + one PositionReport (AP) per market, CollateralInquiry (BB) -> CollateralInquiryAck (BG) + one
// CollateralReport (BA) per account. SubscriptionRequestType (263) = 1 keeps the request open: a
// new AP / BA (UnsolicitedIndicator 325 = Y) follows every committed fill, funding payment,
// liquidation, ADL, insurance takeover or deposit / withdrawal that changed what the desk last
// received (orders resting or leaving the book also move margin used: BA only); 263 = 2 ends it,
// as does Logout.
//
// Threads: on_request and on_logout only queue work; on_events (publisher thread) only records
// which accounts changed and the funding paid. One worker thread of the service answers requests
// and pushes updates, reading the engine through AccountStateSource (never from on_events), so
// a request's answer and the pushes of its subscription leave in order on the session's Outbox.
//
// Roles: order_entry sessions only, for the accounts they may act for; anything else for an
// account the session may not act for is rejected (AO PosReqResult 3 / BG CollInquiryResult 8)
// with the same Text whether or not the account exists.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fix/account_report_encoder.hpp"
#include "fix/account_state_source.hpp"
#include "fix/gateway_service.hpp"

namespace qd::fix {

class AccountReportService final : public GatewayService {
 public:
  /// `source`: the composition root's engine port; the service owns it.
  AccountReportService(const GatewayContext& context, std::unique_ptr<AccountStateSource> source);
  ~AccountReportService() override;

  bool handles(std::string_view msg_type) const override;
  /// AN and BB: order_entry only.
  bool permitted(SessionRole role, std::string_view msg_type) const override;
  void on_request(const FIX::Message& msg, SessionHandle& session) override;
  void on_events(std::span<const Event> events, bool live) override;
  void save_view(ByteWriter& out) const override;
  void restore_view(ByteReader& in) override;
  void start() override;
  void stop() override;
  void on_logout(SessionHandle& session) override;

  /// Open subscriptions (positions and collateral), for tests and metrics.
  size_t subscriptions() const { return subscription_count_.load(); }
  /// Funding paid by `account` in `market` since the journal began (1e-6 USDC, + paid).
  Quote funding_paid(AccountId account, MarketId market) const;

 private:
  enum class Kind : uint8_t { positions, collateral };
  struct Job {
    bool drop_session = false;  ///< Logout: end the session's subscriptions
    SessionHandle* session = nullptr;
    FIX::Message msg;
  };
  struct Subscription {
    Kind kind = Kind::positions;
    SessionHandle* session = nullptr;
    std::string id;  ///< PosReqID / CollInquiryID
    std::vector<AccountId> accounts;
    std::optional<MarketId> market;  ///< positions in this market only
    /// What the desk last received: pushes go out only when a reported figure changed.
    std::map<std::pair<AccountId, MarketId>, std::pair<PositionSnapshot, Quote>> positions;
    std::map<AccountId, AccountSnapshot> collateral;
  };
  /// The accounts and market a request names, or why it is refused.
  struct Scope {
    std::vector<AccountId> accounts;
    std::optional<MarketId> market;
    std::string account_text;  ///< Account (1) to echo on the ack
    std::optional<std::string> error;
    bool not_authorized = false;
  };

  void run();
  void handle(Job& job);
  Scope scope_of(const FIX::Message& msg, const SessionHandle& session) const;
  void on_positions(const FIX::Message& msg, SessionHandle& session);
  void on_collateral(const FIX::Message& msg, SessionHandle& session);
  void push_updates(const std::set<AccountId>& positions, const std::set<AccountId>& collateral);
  Subscription* find(Kind kind, SessionId session, const std::string& id);
  ReportHeader header(const SessionHandle& session, Kind kind, const std::string& request_id,
                      std::optional<char> subscription, int total, bool unsolicited);
  std::map<std::pair<AccountId, MarketId>, Quote> funding_copy() const;
  void count_subscriptions();

  GatewayContext context_;
  std::unique_ptr<AccountStateSource> source_;
  std::string id_prefix_;
  uint64_t id_counter_ = 0;  ///< worker thread only

  mutable std::mutex mu_;  ///< guards the queue, the dirty sets and funding_
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::set<AccountId> dirty_positions_;
  std::set<AccountId> dirty_collateral_;
  std::map<std::pair<AccountId, MarketId>, Quote> funding_;
  bool stop_ = false;
  std::thread worker_;

  std::vector<Subscription> subscriptions_;  ///< worker thread only
  std::atomic<size_t> subscription_count_{0};
};

}  // namespace qd::fix
