#pragma once
// qd-client's command language, one command per line:
//   buy|sell SYMBOL QTY [@ PRICE] [day|gtc|ioc|fok|gtd=YYYYMMDD-HH:MM:SS] [post] [reduce]
//            [stop=PRICE] [stp=N|R|A|B|D] [account=ID] [id=CLORDID]
//   cancel CLORDID
//   replace CLORDID QTY [@ PRICE] [stop=PRICE]
//   status [CLORDID]          (OrderStatusRequest, or OrderMassStatusRequest without an id)
//   masscancel [SYMBOL]
//   sleep MS
//   quit
// A buy/sell without "@ PRICE" is a market order, or a stop(-limit) with stop=.
// Prices and quantities are passed through as typed: the venue converts them exactly.

#include <map>
#include <optional>
#include <string>
#include <variant>

#include "fix/quickfix.hpp"

namespace qd::client {

struct SendMessage {
  FIX::Message message;
  std::string client_id;  ///< the request's ClOrdID ("" for status requests)
};
struct Sleep {
  int ms = 0;
};
struct Quit {};
struct ParseError {
  std::string what;
};

using ClientCommand = std::variant<SendMessage, Sleep, Quit, ParseError>;

/// Turns command lines into FIX messages, remembering each order's symbol and side so cancel
/// and replace can name them.
class CommandBuilder {
 public:
  /// `id_prefix` starts every generated ClOrdID (unique per run: time-based by default).
  explicit CommandBuilder(std::string id_prefix);

  /// nullopt for an empty line or a comment (#).
  std::optional<ClientCommand> parse(const std::string& line);

  /// A fresh ClOrdID.
  std::string next_id();

 private:
  struct Known {
    std::string symbol;
    char side = '1';
    char ord_type = '2';
  };
  ClientCommand order(const std::vector<std::string>& words, char side);
  ClientCommand cancel(const std::vector<std::string>& words);
  ClientCommand replace(const std::vector<std::string>& words);
  ClientCommand status(const std::vector<std::string>& words);
  ClientCommand mass_cancel(const std::vector<std::string>& words);

  std::string prefix_;
  uint64_t counter_ = 0;
  std::map<std::string, Known> known_;  ///< ClOrdID -> what cancel/replace must repeat
};

/// One line describing a received message: ExecutionReports, cancel rejects, mass cancel
/// reports, business and session rejects, logouts.
std::string describe(const FIX::Message& m);

}  // namespace qd::client
