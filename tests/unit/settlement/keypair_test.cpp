// ed25519 through libsodium (RFC 8032 vectors) and the Solana keypair file rules.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "settlement/solana/keypair.hpp"
#include "settlement/solana/sha256.hpp"
#include "tests/unit/settlement/test_util.hpp"

namespace qd::solana {
namespace {

using test::fixed_seed;
using test::from_hex;

// RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
constexpr const char* kRfcSecret1 =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr const char* kRfcPublic1 =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr const char* kRfcSignature1 =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
constexpr const char* kRfcSecret2 =
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
constexpr const char* kRfcPublic2 =
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
constexpr const char* kRfcSignature2 =
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

Keypair rfc_keypair(const char* secret_hex) {
  const auto seed = from_hex(secret_hex);
  return Keypair::from_seed(std::span<const uint8_t, 32>(seed.data(), 32));
}

TEST(Ed25519, Rfc8032Vector1) {
  const Keypair k = rfc_keypair(kRfcSecret1);
  EXPECT_EQ(to_hex(k.pubkey().span()), kRfcPublic1);
  const Signature sig = k.sign({});
  EXPECT_EQ(to_hex(sig.span()), kRfcSignature1);
  EXPECT_TRUE(verify_signature(k.pubkey(), {}, sig));
}

TEST(Ed25519, Rfc8032Vector2) {
  const Keypair k = rfc_keypair(kRfcSecret2);
  EXPECT_EQ(to_hex(k.pubkey().span()), kRfcPublic2);
  const uint8_t msg[] = {0x72};
  EXPECT_EQ(to_hex(k.sign(msg).span()), kRfcSignature2);
}

TEST(Ed25519, VerifyRejectsTampering) {
  const Keypair k = rfc_keypair(kRfcSecret2);
  const uint8_t msg[] = {0x72};
  Signature sig = k.sign(msg);
  const uint8_t other[] = {0x73};
  EXPECT_FALSE(verify_signature(k.pubkey(), other, sig));
  EXPECT_FALSE(verify_signature(rfc_keypair(kRfcSecret1).pubkey(), msg, sig));
  sig.bytes[10] ^= 1;
  EXPECT_FALSE(verify_signature(k.pubkey(), msg, sig));
}

TEST(Keypair, FromBytesChecksThePublicHalf) {
  auto raw = from_hex(std::string(kRfcSecret1) + kRfcPublic1);
  auto k = Keypair::from_bytes(raw);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(to_hex(k.value().pubkey().span()), kRfcPublic1);
  raw[40] ^= 1;
  auto bad = Keypair::from_bytes(raw);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("does not match"), std::string::npos);
  EXPECT_FALSE(Keypair::from_bytes(std::span(raw).first(63)).ok());
}

TEST(Keypair, GeneratedKeysDifferAndSign) {
  const Keypair a = Keypair::generate();
  const Keypair b = Keypair::generate();
  EXPECT_NE(a.pubkey(), b.pubkey());
  const uint8_t msg[] = {1, 2, 3};
  EXPECT_TRUE(verify_signature(a.pubkey(), msg, a.sign(msg)));
  EXPECT_FALSE(verify_signature(b.pubkey(), msg, a.sign(msg)));
}

class KeypairFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "qd-keypair-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const char* name) const { return (dir_ / name).string(); }
  void write(const std::string& p, const std::string& text, mode_t mode) const {
    std::ofstream(p) << text;
    ASSERT_EQ(::chmod(p.c_str(), mode), 0);
  }

  std::filesystem::path dir_;
};

std::string solana_json(const std::vector<uint8_t>& raw) {
  std::string s = "[";
  for (size_t i = 0; i < raw.size(); ++i) s += (i ? "," : "") + std::to_string(raw[i]);
  return s + "]";
}

TEST_F(KeypairFile, SaveWritesMode0600AndLoadsBack) {
  const auto seed = fixed_seed(1);
  const Keypair k = Keypair::from_seed(seed);
  const std::string p = path("id.json");
  ASSERT_TRUE(k.save_file(p).ok());
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  std::vector<uint8_t> expected(seed.begin(), seed.end());
  expected.insert(expected.end(), k.pubkey().bytes.begin(), k.pubkey().bytes.end());
  std::ifstream in(p);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, solana_json(expected));  // the Solana CLI's format: no spaces

  auto loaded = Keypair::load_file(p);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded.value().pubkey(), k.pubkey());
  EXPECT_EQ(loaded.value().pubkey().to_base58(), "GM4eCsQuaLNXApYz6YYUQVMxajTaJ7dB4TbroFGBaou9");
}

TEST_F(KeypairFile, SaveRefusesToReplaceAFile) {
  const std::string p = path("id.json");
  ASSERT_TRUE(Keypair::generate().save_file(p).ok());
  auto again = Keypair::generate().save_file(p);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find(p), std::string::npos);
}

TEST_F(KeypairFile, RefusesFilesOthersCanReadOrWrite) {
  const std::string p = path("loose.json");
  ASSERT_TRUE(Keypair::generate().save_file(p).ok());
  for (mode_t mode : {0640, 0604, 0620, 0602, 0660, 0644, 0610}) {
    ASSERT_EQ(::chmod(p.c_str(), mode), 0);
    auto r = Keypair::load_file(p);
    ASSERT_FALSE(r.ok()) << std::oct << mode;
    const std::string& msg = r.error().message;
    EXPECT_NE(msg.find(p), std::string::npos) << msg;
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    EXPECT_NE(msg.find(std::string("mode ") + octal), std::string::npos) << msg;
  }
  ASSERT_EQ(::chmod(p.c_str(), 0400), 0);
  EXPECT_TRUE(Keypair::load_file(p).ok());
}

TEST_F(KeypairFile, RejectsMalformedContentWithoutEchoingIt) {
  const auto seed = fixed_seed(5);
  const Keypair k = Keypair::from_seed(seed);
  std::vector<uint8_t> raw(seed.begin(), seed.end());
  raw.insert(raw.end(), k.pubkey().bytes.begin(), k.pubkey().bytes.end());

  const std::string p = path("bad.json");
  const std::string secret_text = solana_json(std::vector<uint8_t>(raw.begin(), raw.begin() + 32));
  struct Case {
    std::string text;
    const char* reason;
  };
  std::string over = solana_json(raw);
  over.replace(1, over.find(',') - 1, "256");  // first byte out of range
  std::vector<uint8_t> mismatched = raw;
  mismatched[63] ^= 1;
  const Case cases[] = {
      {"not json", "not a JSON array"},
      {"{\"a\":1}", "not a JSON array"},
      {solana_json(std::vector<uint8_t>(raw.begin(), raw.begin() + 63)), "63 numbers"},
      {over, "not a byte"},
      {"[" + std::string("-1") + solana_json(raw).substr(solana_json(raw).find(',')), "not a byte"},
      {solana_json(mismatched), "does not match"},
  };
  for (const auto& c : cases) {
    std::filesystem::remove(p);
    write(p, c.text, 0600);
    auto r = Keypair::load_file(p);
    ASSERT_FALSE(r.ok()) << c.reason;
    EXPECT_NE(r.error().message.find(c.reason), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(p), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find(secret_text.substr(1, 20)), std::string::npos);
  }
  auto missing = Keypair::load_file(path("absent.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("absent.json"), std::string::npos);
}

}  // namespace
}  // namespace qd::solana
