// The TLS listener: a throwaway self-signed certificate made with the openssl CLI at test time.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/integration/fix/fix_harness.hpp"

namespace qd::fix::test {
namespace {

std::string make_certificate(const std::string& dir) {
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " + dir +
      "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl failed");
  return dir;
}

TEST(FixTls, TlsInitiatorTradesPlainConnectionFails) {
  std::string certs = make_certificate(make_temp_dir("qd-fix-tls"));
  VenueHarness v([&](VenueConfig& c) {
    c.listeners[0].tls = TlsConfig{certs + "/cert.pem", certs + "/key.pem", "", false};
  });
  InitiatorOptions o = v.options("DESK_A");
  o.tls = true;
  o.tls_ca_file = certs + "/cert.pem";
  auto a = v.connect(o);
  FIX::Message d = limit("tls1", '1', "0.1", "49000");
  a->send(d);
  EXPECT_TRUE(a->wait_for(er("tls1", '0'), 5s));
  a->stop(true);

  // Plain FIX on the TLS port never logs on.
  auto plain = v.connect(v.options("DESK_B"), false);
  EXPECT_FALSE(plain->wait_logged_on(2s));
  plain->stop(true);
  std::filesystem::remove_all(certs);
}

}  // namespace
}  // namespace qd::fix::test
