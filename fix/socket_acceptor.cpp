#include "fix/socket_acceptor.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "fix/socket_connection.hpp"

namespace qd::fix {
namespace {

std::string peer_name(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "unknown peer";
  char host[NI_MAXHOST];
  char port[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "unknown peer";
  return std::string(host) + ":" + port;
}

void set_int_option(int fd, int level, int option, int value) {
  ::setsockopt(fd, level, option, &value, sizeof value);
}

}  // namespace

SocketAcceptor::SocketAcceptor(FIX::Application& application, FIX::MessageStoreFactory& stores,
                               const FIX::SessionSettings& settings, FIX::LogFactory& logs,
                               std::string bind_address, WireLookup wires)
    : FIX::Acceptor(application, stores, settings, logs),
      // "localhost" is IPv4's loopback, as desks' "localhost" usually is: the resolver may list
      // ::1 first, and a listener on ::1 alone refuses 127.0.0.1.
      bind_address_(bind_address == "0.0.0.0"     ? ""
                    : bind_address == "localhost" ? "127.0.0.1"
                                                  : std::move(bind_address)),
      wires_(std::move(wires)) {}

SocketAcceptor::~SocketAcceptor() {
  stop(true);
  onStop();  // never started, or already stopped: closes what onInitialize opened
}

void SocketAcceptor::onConfigure(const FIX::SessionSettings& settings) {
  for (const FIX::SessionID& id : settings.getSessions()) {
    const FIX::Dictionary& d = settings.get(id);
    d.getInt(FIX::SOCKET_ACCEPT_PORT);  // throws ConfigError when missing or not a number
    if (d.has(FIX::SOCKET_REUSE_ADDRESS)) d.getBool(FIX::SOCKET_REUSE_ADDRESS);
    if (d.has(FIX::SOCKET_NODELAY)) d.getBool(FIX::SOCKET_NODELAY);
  }
}

void SocketAcceptor::onInitialize(const FIX::SessionSettings& settings) {
  std::map<int, Listener*> by_port;
  for (const FIX::SessionID& id : settings.getSessions()) {
    const FIX::Dictionary& d = settings.get(id);
    const int port = d.getInt(FIX::SOCKET_ACCEPT_PORT);
    Listener*& l = by_port[port];
    if (!l) {
      listeners_.push_back(std::make_unique<Listener>());
      l = listeners_.back().get();
      l->port = port;
      l->no_delay = d.has(FIX::SOCKET_NODELAY) && d.getBool(FIX::SOCKET_NODELAY);
      l->send_buffer =
          d.has(FIX::SOCKET_SEND_BUFFER_SIZE) ? d.getInt(FIX::SOCKET_SEND_BUFFER_SIZE) : 0;
      l->receive_buffer =
          d.has(FIX::SOCKET_RECEIVE_BUFFER_SIZE) ? d.getInt(FIX::SOCKET_RECEIVE_BUFFER_SIZE) : 0;
      const bool reuse = !d.has(FIX::SOCKET_REUSE_ADDRESS) || d.getBool(FIX::SOCKET_REUSE_ADDRESS);
      l->fd = listen_on(port, reuse);
      // Unset sizes are the listening socket's defaults, set explicitly on each connection as
      // QuickFIX does: that turns off the kernel's send-buffer growth, so a desk that stops
      // reading holds tens of KiB, not megabytes, before its sender notices (market data then
      // conflates instead of queueing stale books).
      socklen_t len = sizeof(int);
      if (!l->send_buffer) ::getsockopt(l->fd, SOL_SOCKET, SO_SNDBUF, &l->send_buffer, &len);
      len = sizeof(int);
      if (!l->receive_buffer)
        ::getsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &l->receive_buffer, &len);
    }
    l->sessions.insert(id);
  }
  // Accepting from here on rather than from onStart, which QuickFIX runs on a thread of its own
  // that a quick stop() could race.
  std::lock_guard lock(mu_);
  stopping_ = false;
  for (auto& l : listeners_) {
    Listener* listener = l.get();
    listener->thread = std::thread([this, listener] { accept_loop(*listener); });
  }
}

int SocketAcceptor::listen_on(int port, bool reuse_address) const {
  const std::string where =
      (bind_address_.empty() ? std::string("*") : bind_address_) + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = bind_address_.empty() ? AF_INET : AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(bind_address_.empty() ? nullptr : bind_address_.c_str(),
                             service.c_str(), &hints, &found);
      rc != 0)
    throw FIX::RuntimeError("Unable to listen on " + where + ": " + ::gai_strerror(rc));
  std::string error = "no usable address";
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    if (reuse_address) set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
      error = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) throw FIX::RuntimeError("Unable to listen on " + where + ": " + error);
  return fd;
}

void SocketAcceptor::accept_loop(Listener& listener) {
  pthread_setname_np(pthread_self(), "qd-fix-accept");
  for (;;) {
    const int fd = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
      }
      getLog()->onEvent("accept failed on port " + std::to_string(listener.port) + ": " +
                        std::strerror(errno));
      // Out of descriptors or memory: try again shortly rather than stop accepting for good.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (listener.no_delay) set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
    if (listener.send_buffer) set_int_option(fd, SOL_SOCKET, SO_SNDBUF, listener.send_buffer);
    if (listener.receive_buffer) set_int_option(fd, SOL_SOCKET, SO_RCVBUF, listener.receive_buffer);
    getLog()->onEvent("Accepted connection from " + peer_name(fd) + " on port " +
                      std::to_string(listener.port));

    auto connection = std::make_shared<SocketConnection>(fd, listener.sessions, *getLog(), wires_);
    std::lock_guard lock(mu_);
    if (stopping_) return;  // the connection closes its socket
    reap_finished();
    auto done = std::make_shared<bool>(false);
    std::thread thread([this, connection, done] {
      pthread_setname_np(pthread_self(), "qd-fix-conn");
      connection->run();
      std::lock_guard lock(mu_);
      *done = true;
    });
    workers_.push_back(Worker{std::move(connection), std::move(thread), std::move(done)});
  }
}

void SocketAcceptor::reap_finished() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (*it->done) {
      it->thread.join();  // it has only the lock's release left to do
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

void SocketAcceptor::onStop() {
  std::vector<Worker> workers;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    workers.swap(workers_);
  }
  for (auto& l : listeners_) {
    if (l->fd >= 0) ::shutdown(l->fd, SHUT_RDWR);  // accept() returns
    if (l->thread.joinable()) l->thread.join();
    if (l->fd >= 0) ::close(l->fd);
    l->fd = -1;
  }
  listeners_.clear();
  {
    // A connection accepted while the listeners stopped.
    std::lock_guard lock(mu_);
    for (auto& w : workers_) workers.push_back(std::move(w));
    workers_.clear();
  }
  for (auto& w : workers) w.connection->shutdown();
  for (auto& w : workers) w.thread.join();
}

}  // namespace qd::fix
