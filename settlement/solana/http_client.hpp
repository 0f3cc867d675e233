#pragma once
// A small synchronous HTTP/1.1 client for JSON-RPC: POST only, one keep-alive connection, plain
// TCP for http:// and TLS (OpenSSL, peer and host name verified) for https://. Every step has a
// deadline; a call never blocks past connect_timeout + request_timeout. Not thread-safe: use one
// client per thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "settlement/solana/result.hpp"

namespace qd::solana {

struct Url {
  bool tls = false;    ///< https
  std::string host;    ///< name or address, without brackets for IPv6
  uint16_t port = 0;   ///< explicit, or 80 / 443 from the scheme
  std::string target;  ///< path and query, "/" when absent

  /// Parses http://host[:port][/path] and https://...; rejects other schemes, user info,
  /// a missing host, a bad port and fragments.
  static Result<Url> parse(std::string_view text);
};

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{5'000};   ///< resolve + TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout{30'000};  ///< write the request, read the response
  size_t max_response_bytes = 64 << 20;               ///< larger bodies are an error
  std::string ca_file;  ///< https: trust this PEM bundle instead of the system's store
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
};

class HttpClient {
 public:
  HttpClient(Url url, HttpOptions options);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  /// POSTs body as application/json. Connects on first use and keeps the connection open while
  /// the server allows; a request on a reused connection that the server had already closed is
  /// sent once more on a fresh one. Errors name the host and say timeout, refused, and so on.
  Result<HttpResponse> post_json(const std::string& body);

  /// Drops the connection (the next request reconnects).
  void close();
  /// Connections opened so far (to observe keep-alive).
  uint64_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qd::solana
