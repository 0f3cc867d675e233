#include "settlement/solana/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <charconv>
#include <optional>

namespace qd::solana {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Result<Url> Url::parse(std::string_view text) {
  Url url;
  std::string_view rest;
  if (text.rfind("http://", 0) == 0) {
    rest = text.substr(7);
  } else if (text.rfind("https://", 0) == 0) {
    url.tls = true;
    rest = text.substr(8);
  } else {
    return Error{"URL '" + std::string(text) + "' must start with http:// or https://"};
  }
  const size_t path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  url.target = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
  if (url.target.front() == '?') url.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos || text.find('#') != std::string_view::npos) {
    return Error{"URL '" + std::string(text) + "' may not carry user info or a fragment"};
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error{"URL '" + std::string(text) + "': bad IPv6"};
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Error{"URL '" + std::string(text) + "': bad host"};
      port_text = after.substr(1);
      if (port_text.empty()) return Error{"URL '" + std::string(text) + "': empty port"};
    }
  } else {
    const size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return Error{"URL '" + std::string(text) + "': empty port"};
    }
  }
  if (url.host.empty()) return Error{"URL '" + std::string(text) + "' has no host"};
  if (port_text.empty()) {
    url.port = url.tls ? 443 : 80;
  } else {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return Error{"URL '" + std::string(text) + "': bad port '" + std::string(port_text) + "'"};
    }
    url.port = static_cast<uint16_t>(value);
  }
  return url;
}

struct HttpClient::Impl {
  Url url;
  HttpOptions options;
  asio::io_context ioc;
  std::unique_ptr<asio::ssl::context> tls_context;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  uint64_t opened = 0;

  Impl(Url u, HttpOptions o) : url(std::move(u)), options(std::move(o)) {}

  bool connected() const { return plain != nullptr || secure != nullptr; }

  std::string where() const {
    const bool v6 = url.host.find(':') != std::string::npos;
    return (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
  }

  // Runs the io_context until the operations started on it complete (or their deadline
  // cancels them).
  void run() {
    ioc.restart();
    ioc.run();
  }

  void close() {
    beast::error_code ignored;
    if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
    if (plain) plain->socket().close(ignored);
    secure.reset();
    plain.reset();
    buffer.clear();
  }

  std::string describe(const beast::error_code& ec, std::chrono::milliseconds limit) const {
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      return "timed out after " + std::to_string(limit.count()) + " ms";
    }
    return ec.message();
  }

  Status connect() {
    close();
    const auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
    beast::error_code ec;

    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    asio::steady_timer timer(ioc);
    timer.expires_at(deadline);
    bool resolved = false;
    timer.async_wait([&](const beast::error_code& e) {
      if (!e && !resolved) resolver.cancel();
    });
    resolver.async_resolve(url.host, std::to_string(url.port),
                           [&](const beast::error_code& e, tcp::resolver::results_type r) {
                             resolved = true;
                             ec = e;
                             endpoints = std::move(r);
                             timer.cancel();
                           });
    run();
    if (ec) {
      return Error{"cannot resolve " + where() + ": " + describe(ec, options.connect_timeout)};
    }

    auto stream = std::make_unique<beast::tcp_stream>(ioc);
    stream->expires_at(deadline);
    stream->async_connect(endpoints,
                          [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) {
      return Error{"cannot connect to " + where() + ": " + describe(ec, options.connect_timeout)};
    }
    stream->socket().set_option(tcp::no_delay(true), ec);

    if (!url.tls) {
      plain = std::move(stream);
      ++opened;
      return ok_status();
    }
    if (!tls_context) {
      tls_context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      if (options.ca_file.empty()) {
        tls_context->set_default_verify_paths(ec);
      } else {
        tls_context->load_verify_file(options.ca_file, ec);
      }
      if (ec) {
        tls_context.reset();
        return Error{"cannot load TLS trust store " +
                     (options.ca_file.empty() ? std::string("(system)") : options.ca_file) + ": " +
                     ec.message()};
      }
      tls_context->set_verify_mode(asio::ssl::verify_peer);
    }
    auto tls =
        std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*stream), *tls_context);
    if (!SSL_set_tlsext_host_name(tls->native_handle(), url.host.c_str())) {
      return Error{"cannot set TLS server name for " + where()};
    }
    tls->set_verify_callback(asio::ssl::host_name_verification(url.host));
    beast::get_lowest_layer(*tls).expires_at(deadline);
    tls->async_handshake(asio::ssl::stream_base::client,
                         [&](const beast::error_code& e) { ec = e; });
    run();
    if (ec) {
      beast::error_code ignored;
      beast::get_lowest_layer(*tls).socket().close(ignored);
      return Error{"TLS handshake with " + where() +
                   " failed: " + describe(ec, options.connect_timeout)};
    }
    secure = std::move(tls);
    ++opened;
    return ok_status();
  }

  // One request/response on the open connection. stale is set when the failure looks like a
  // keep-alive connection the server had closed before reading this request.
  template <class Stream>
  Result<HttpResponse> exchange(Stream& stream, const http::request<http::string_body>& req,
                                bool& stale, bool& keep_alive) {
    beast::get_lowest_layer(stream).expires_after(options.request_timeout);
    beast::error_code ec;
    http::async_write(stream, req, [&](const beast::error_code& e, size_t) { ec = e; });
    run();
    if (ec) {
      stale = ec != beast::error::timeout;
      return Error{"cannot send to " + where() + ": " + describe(ec, options.request_timeout)};
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_response_bytes);
    size_t read = 0;
    http::async_read(stream, buffer, parser, [&](const beast::error_code& e, size_t n) {
      ec = e;
      read = n;
    });
    run();
    if (ec) {
      stale = read == 0 &&
              (ec == http::error::end_of_stream || ec == asio::error::eof ||
               ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated);
      return Error{"no response from " + where() + ": " + describe(ec, options.request_timeout)};
    }
    auto res = parser.release();
    keep_alive = res.keep_alive();
    return HttpResponse{res.result_int(), std::move(res.body())};
  }

  Result<HttpResponse> post(const std::string& body) {
    http::request<http::string_body> req{http::verb::post, url.target, 11};
    const bool default_port = url.port == (url.tls ? 443 : 80);
    const bool v6 = url.host.find(':') != std::string::npos;
    const std::string host = v6 ? "[" + url.host + "]" : url.host;
    req.set(http::field::host, default_port ? host : host + ":" + std::to_string(url.port));
    req.set(http::field::user_agent, "quantdesk-settlement");
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json");
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();

    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = connected();
      if (!reused) {
        auto c = connect();
        if (!c) return c.error();
      }
      bool stale = false;
      bool keep_alive = false;
      auto r = secure ? exchange(*secure, req, stale, keep_alive)
                      : exchange(*plain, req, stale, keep_alive);
      if (r) {
        if (!keep_alive) close();
        return r;
      }
      close();
      if (!(reused && stale)) return r.error();
    }
    return Error{"unreachable"};  // the second attempt always returns above
  }
};

HttpClient::HttpClient(Url url, HttpOptions options)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(options))) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Result<HttpResponse> HttpClient::post_json(const std::string& body) {
  return impl_->post(body);
}
void HttpClient::close() {
  impl_->close();
}
uint64_t HttpClient::connections_opened() const {
  return impl_->opened;
}

}  // namespace qd::solana
