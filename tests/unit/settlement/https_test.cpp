// https:// through HttpClient against a real TLS server on loopback, with a certificate made
// here for "localhost": trusted through ca_file it works (and keeps the connection); with the
// system trust store, or under a host name the certificate does not carry, the handshake is
// refused.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "settlement/solana/http_client.hpp"

namespace qd::solana {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
};

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

// A P-256 self-signed CA certificate whose only name is DNS:localhost, valid for an hour.
SelfSigned make_certificate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, key, EVP_sha256());
  SelfSigned out;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  out.cert_pem = bio_text(bio);
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  out.key_pem = bio_text(bio);
  BIO_free(bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

// Answers every POST with a fixed JSON body over TLS, one connection at a time.
class TlsServer {
 public:
  explicit TlsServer(const SelfSigned& identity)
      : tls_(asio::ssl::context::tls_server),
        acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    tls_.use_certificate_chain(asio::buffer(identity.cert_pem));
    tls_.use_private_key(asio::buffer(identity.key_pem), asio::ssl::context::pem);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    stop_ = true;
    beast::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    poke.close(ec);
    thread_.join();
  }
  uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  void serve() {
    while (!stop_) {
      beast::ssl_stream<tcp::socket> stream(ioc_, tls_);
      beast::error_code ec;
      acceptor_.accept(stream.next_layer(), ec);
      if (ec || stop_) return;
      ++accepted_;
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (ec) continue;  // the client refused our certificate
      beast::flat_buffer buffer;
      while (true) {
        http::request<http::string_body> req;
        http::read(stream, buffer, req, ec);
        if (ec) break;
        http::response<http::string_body> res{http::status::ok, 11};
        res.keep_alive(true);
        res.body() = R"({"jsonrpc":"2.0","id":1,"result":"tls ok"})";
        res.prepare_payload();
        http::write(stream, res, ec);
        if (ec) break;
      }
    }
  }

  asio::io_context ioc_;
  asio::ssl::context tls_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

class Https : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_file_ = std::filesystem::temp_directory_path() /
               ("qd-https-test-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(ca_file_) << identity_.cert_pem;
  }
  void TearDown() override { std::filesystem::remove(ca_file_); }

  HttpOptions options(bool trust_ours) const {
    HttpOptions o;
    o.connect_timeout = std::chrono::milliseconds(3000);
    o.request_timeout = std::chrono::milliseconds(3000);
    if (trust_ours) o.ca_file = ca_file_.string();
    return o;
  }

  SelfSigned identity_ = make_certificate();
  TlsServer server_{identity_};
  std::filesystem::path ca_file_;
};

TEST_F(Https, TrustedCertificateWorksAndKeepsTheConnection) {
  HttpClient client(Url::parse("https://localhost:" + std::to_string(server_.port())).value(),
                    options(true));
  for (int i = 0; i < 3; ++i) {
    auto r = client.post_json(R"({"jsonrpc":"2.0","id":1,"method":"getHealth"})");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().status, 200u);
    EXPECT_EQ(r.value().body, R"({"jsonrpc":"2.0","id":1,"result":"tls ok"})");
  }
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST_F(Https, UntrustedCertificateIsRefused) {
  HttpClient client(Url::parse("https://localhost:" + std::to_string(server_.port())).value(),
                    options(false));
  auto r = client.post_json("{}");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("TLS handshake with localhost:"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("certificate verify failed"), std::string::npos)
      << r.error().message;
}

TEST_F(Https, HostNameMustMatchTheCertificate) {
  // Trusted, but the certificate names only "localhost", not 127.0.0.1.
  HttpClient client(Url::parse("https://127.0.0.1:" + std::to_string(server_.port())).value(),
                    options(true));
  auto r = client.post_json("{}");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("TLS handshake"), std::string::npos) << r.error().message;
}

TEST_F(Https, MissingCaFileIsReported) {
  HttpOptions o = options(true);
  o.ca_file = "/nonexistent/qd-ca.pem";
  HttpClient client(Url::parse("https://localhost:" + std::to_string(server_.port())).value(), o);
  auto r = client.post_json("{}");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/qd-ca.pem"), std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace qd::solana
