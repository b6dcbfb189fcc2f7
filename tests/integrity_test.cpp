// Report integrity: every written report carries a digest that verifies; one changed digit is
// caught; sign -> verify with the public key -> tamper -> verify fails; a wrong key fails; a
// tampered report is not signed; a truncated report is a located error (exit 2 path). What a
// report read back says of its integrity (intact, signed with the key's fingerprint, TAMPERED
// after an edit or a forged signature, no digest) and that the HTML view says it too, TAMPERED
// inside a red verdict box.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "reports/html_report.h"
#include "reports/report_integrity.h"
#include "reports/report_xml.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

class Integrity : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aicert-integrity-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    report_ = (dir_ / "report.xml").string();
    Report r;
    r.report_id = "6b1d3c8e-2f4a-4b5c-8d9e-0a1b2c3d4e5f";
    r.tool_version = "0.1.0";
    r.git_revision = "abc";
    r.created_utc = "2026-11-22T10:00:00Z";
    r.command_line = "aicert certify";
    r.inventory.hostname = "host\twith\ncontrol chars & <markup>";
    CaseResult c;
    c.id = "gemm/cpu0/cpu:blocked/fp32/NN/8x8x8";
    c.spec.spec = GemmSpec{8, 8, 8, GemmLayout::NN, DType::fp32, 1.0, 0.0};
    c.backend = "cpu";
    c.device_name = "CPU\nname";
    c.impl = "cpu:blocked";
    c.verdict = Verdict::pass;
    c.gflops = 12.5;
    c.reason = " leading and trailing \n";
    r.cases = {c};
    r.summary = summarize(r.cases);
    write_report_xml(r, report_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes a fresh Ed25519 key pair as PEM files; returns {private, public}.
  std::pair<std::string, std::string> make_keys(const std::string& name) {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    const std::string priv = (dir_ / (name + ".pem")).string();
    const std::string pub = (dir_ / (name + ".pub.pem")).string();
    FILE* f = std::fopen(priv.c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    f = std::fopen(pub.c_str(), "w");
    PEM_write_PUBKEY(f, key);
    std::fclose(f);
    EVP_PKEY_free(key);
    return {priv, pub};
  }

  std::string text() const {
    std::ifstream in(report_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void set_text(const std::string& t) const { std::ofstream(report_) << t; }

  fs::path dir_;
  std::string report_;
};

TEST_F(Integrity, AWrittenReportVerifies) {
  const VerifyOutcome v = verify_report_file(report_, "");
  EXPECT_TRUE(v.ok) << v.message;
  EXPECT_NE(v.message.find("not signed"), std::string::npos);
  // Reading and writing again gives the same digest.
  const Report back = read_report_xml(report_);
  write_report_xml(back, (dir_ / "again.xml").string());
  EXPECT_TRUE(verify_report_file((dir_ / "again.xml").string(), "").ok);
}

TEST_F(Integrity, OneChangedDigitIsCaught) {
  const std::string t = text();
  const std::string changed = std::regex_replace(t, std::regex("gflops=\"12.5\""),
                                                 "gflops=\"13.5\"");
  ASSERT_NE(changed, t);
  set_text(changed);
  const VerifyOutcome v = verify_report_file(report_, "");
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.message.find("TAMPERED"), std::string::npos) << v.message;
}

TEST_F(Integrity, SignVerifyTamperVerifyFails) {
  const auto [priv, pub] = make_keys("vendor");
  sign_report_file(report_, priv);
  VerifyOutcome v = verify_report_file(report_, pub);
  EXPECT_TRUE(v.ok) << v.message;
  EXPECT_TRUE(read_report_xml(report_).cases.size() == 1);  // still a readable report

  const auto [other_priv, other_pub] = make_keys("other");
  v = verify_report_file(report_, other_pub);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.message.find("BAD SIGNATURE"), std::string::npos) << v.message;

  set_text(std::regex_replace(text(), std::regex("cpu:blocked\""), "cpu:blocked2\""));
  v = verify_report_file(report_, pub);
  EXPECT_FALSE(v.ok);
  EXPECT_THROW(sign_report_file(report_, priv), ReportParseError);  // not signed when tampered
}

TEST_F(Integrity, AnUnsignedReportFailsWhenAKeyIsRequired) {
  const auto [priv, pub] = make_keys("vendor");
  const VerifyOutcome v = verify_report_file(report_, pub);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.message.find("NOT SIGNED"), std::string::npos);
}

TEST_F(Integrity, AReportReadBackSaysWhatItsIntegrityIs) {
  Report r = read_report_xml(report_);
  ASSERT_TRUE(r.integrity.has_value());
  EXPECT_EQ(r.integrity->state, IntegrityState::intact);
  EXPECT_NE(r.integrity->text().find("digest matches"), std::string::npos);
  std::string html = report_html(r);
  EXPECT_NE(html.find("Integrity: digest matches"), std::string::npos);
  EXPECT_EQ(html.find("TAMPERED"), std::string::npos);

  const auto [priv, pub] = make_keys("vendor");
  sign_report_file(report_, priv);
  r = read_report_xml(report_);
  EXPECT_EQ(r.integrity->state, IntegrityState::signed_intact);
  EXPECT_EQ(r.integrity->key_fingerprint.rfind("SHA256:", 0), 0u);
  EXPECT_EQ(r.integrity->key_fingerprint.size(), 7u + 16u);
  EXPECT_NE(report_html(r).find("signed by key " + r.integrity->key_fingerprint), std::string::npos);

  // An edit after signing: the digest no longer matches.
  set_text(std::regex_replace(text(), std::regex("gflops=\"12.5\""), "gflops=\"99.5\""));
  r = read_report_xml(report_);
  EXPECT_EQ(r.integrity->state, IntegrityState::tampered);
  EXPECT_FALSE(r.integrity->trustworthy());
  html = report_html(r);
  const std::size_t box = html.find("<div class=\"verdict bad\"");
  ASSERT_NE(box, std::string::npos) << "a tampered PASS is not shown as good";
  EXPECT_NE(html.find("<strong>TAMPERED</strong>", box), std::string::npos);
}

TEST_F(Integrity, AForgedSignatureAndAMissingDigestAreShown) {
  const auto [priv, pub] = make_keys("vendor");
  sign_report_file(report_, priv);
  // A signature of other bytes: recompute nothing, swap the signature's value for garbage of
  // the right shape (the digest still matches: only the signature check can tell).
  std::string t = text();
  const std::regex value("value=\"([A-Za-z0-9+/=]+)\"");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(t, m, value));
  std::string forged = m[1].str();
  forged[0] = forged[0] == 'A' ? 'B' : 'A';
  t.replace(static_cast<std::size_t>(m.position(1)), forged.size(), forged);
  set_text(t);
  Report r = read_report_xml(report_);
  EXPECT_EQ(r.integrity->state, IntegrityState::bad_signature);
  EXPECT_NE(r.integrity->text().find("TAMPERED"), std::string::npos);

  set_text(std::regex_replace(text(), std::regex("<integrity[\\s\\S]*</integrity>|<integrity[^>]*/>"), ""));
  r = read_report_xml(report_);
  EXPECT_EQ(r.integrity->state, IntegrityState::no_digest);
  EXPECT_NE(report_html(r).find("NO DIGEST"), std::string::npos);
}

TEST_F(Integrity, TruncatedReportAndBadKeyAreLocatedErrors) {
  const std::string t = text();
  set_text(t.substr(0, t.size() / 2));
  try {
    verify_report_file(report_, "");
    FAIL() << "no error";
  } catch (const ReportParseError& e) {
    EXPECT_NE(std::string(e.what()).find(report_ + ":"), std::string::npos) << e.what();
  }
  set_text(t);
  std::ofstream(dir_ / "junk.pem") << "not a key";
  EXPECT_THROW(sign_report_file(report_, (dir_ / "junk.pem").string()), ReportParseError);
}

}  // namespace
}  // namespace aicert
