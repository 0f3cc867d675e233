#pragma once
// The gateway's plain-TCP FIX acceptor: QuickFIX's sessions (FIX::Acceptor creates and runs
// them), carried by SocketConnections, one thread per connection as QuickFIX's
// ThreadedSocketAcceptor. What it adds: a SocketConnection writes an outbox pass's messages
// with one send() (fix/outbound_batch.hpp), the listener binds the configured address instead
// of every interface, and a connection is closed when it names no session within 10 s or sends
// 1 MiB without a whole message (fix/socket_connection.cpp).
//
// Socket settings come from each session's dictionary as for QuickFIX: SocketAcceptPort,
// SocketReuseAddress, SocketNodelay, SocketSendBufferSize, SocketReceiveBufferSize. Sessions
// that share a port share its listening socket.

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fix/quickfix.hpp"
#include "fix/session_wire.hpp"

namespace qd::fix {

class SocketConnection;

class SocketAcceptor final : public FIX::Acceptor {
 public:
  /// `bind_address`: the IPv4 or IPv6 address to listen on, or "localhost" (127.0.0.1); empty
  /// or "0.0.0.0" for every IPv4 interface. `wires`: each session's wire, if it has one.
  SocketAcceptor(FIX::Application& application, FIX::MessageStoreFactory& stores,
                 const FIX::SessionSettings& settings, FIX::LogFactory& logs,
                 std::string bind_address, WireLookup wires = {});
  ~SocketAcceptor() override;

 private:
  struct Listener {
    int fd = -1;
    int port = 0;
    std::set<FIX::SessionID> sessions;
    bool no_delay = false;
    int send_buffer = 0;
    int receive_buffer = 0;
    std::thread thread;
  };
  struct Worker {
    std::shared_ptr<SocketConnection> connection;
    std::thread thread;
    std::shared_ptr<bool> done;  // written under mu_
  };

  void onConfigure(const FIX::SessionSettings& settings) override;
  void onInitialize(const FIX::SessionSettings& settings) override;
  void onStart() override {}
  bool onPoll(double) override { return false; }
  void onStop() override;

  /// Opens, binds and listens; throws FIX::RuntimeError naming the address and port.
  int listen_on(int port, bool reuse_address) const;
  void accept_loop(Listener& listener);
  /// Joins the threads of connections that ended (mu_ held).
  void reap_finished();

  const std::string bind_address_;
  const WireLookup wires_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::mutex mu_;
  bool stopping_ = false;
  std::vector<Worker> workers_;
};

}  // namespace qd::fix
