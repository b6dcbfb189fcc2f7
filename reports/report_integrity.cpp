// Report digests and Ed25519 signatures; see report_integrity.h.
#include "reports/report_integrity.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "reports/atomic_file.h"
#include "reports/report_xml.h"
#include "reports/xml_source.h"
#include "workloads/sha256.h"

namespace aicert {

namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::vector<unsigned char> unbase64(const std::string& text) {
  std::vector<unsigned char> out(3 * (text.size() / 4) + 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0 || text.size() % 4 != 0) return {};
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  out.resize(size);
  return out;
}

PkeyPtr read_key(const std::string& path, bool private_key) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "r"), &std::fclose);
  if (!f) throw ReportParseError(path + ": cannot open the key file");
  EVP_PKEY* key = private_key ? PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr)
                              : PEM_read_PUBKEY(f.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    throw ReportParseError(path + ": not a PEM " +
                             std::string(private_key ? "private" : "public") + " key");
  }
  PkeyPtr k(key, &EVP_PKEY_free);
  if (EVP_PKEY_id(key) != EVP_PKEY_ED25519) throw ReportParseError(path + ": not an Ed25519 key");
  return k;
}

std::string public_key_der_base64(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key, &der);
  if (n <= 0) throw std::runtime_error("cannot encode the public key");
  std::string b = base64(der, static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return b;
}

// The report file loaded for integrity work, with its <integrity> element.
struct LoadedReport {
  pugi::xml_document doc;
  pugi::xml_node integrity;
};

void load(const std::string& path, LoadedReport& r) {
  // XmlSource gives located errors for malformed or truncated files.
  const XmlSource source(path, kMaxReportBytes, "report");
  if (std::string_view(source.root().name()) != "aicert-report") {
    source.fail(source.root(), "not an aicert report (root <" +
                                   std::string(source.root().name()) + ">)");
  }
  r.integrity = source.root().child("integrity");
  if (!r.integrity) source.fail(source.root(), "the report has no <integrity> digest");
  if (!r.integrity.attribute("sha256")) source.fail(r.integrity, "<integrity> has no sha256");
  r.doc.append_copy(source.root());
  r.integrity = r.doc.document_element().child("integrity");
}

// Whether `sig` is a valid Ed25519 signature of `message` by the DER public key `der`.
bool signature_verifies(const std::vector<unsigned char>& der, const std::vector<unsigned char>& sig,
                        const std::string& message) {
  const unsigned char* p = der.data();
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())), &EVP_PKEY_free);
  if (!key || EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519 || sig.empty()) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), sig.data(), sig.size(),
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

std::string fingerprint_of(const std::vector<unsigned char>& der) {
  return "SHA256:" +
         sha256_hex(std::string_view(reinterpret_cast<const char*>(der.data()), der.size()))
             .substr(0, 16);
}

}  // namespace

PublicKeyIdentity public_key_identity(const std::string& pubkey_path) {
  const PkeyPtr key = read_key(pubkey_path, false);
  PublicKeyIdentity id;
  id.der_base64 = public_key_der_base64(key.get());
  id.fingerprint = fingerprint_of(unbase64(id.der_base64));
  return id;
}

std::string IntegrityStatus::text() const {
  const std::string shown = recorded_sha256.substr(0, 16);
  switch (state) {
    case IntegrityState::no_digest:
      return "no digest: the report carries no <integrity>; nothing proves it is what aicert wrote";
    case IntegrityState::intact:
      return "digest matches (sha256 " + shown + "...), not signed";
    case IntegrityState::signed_intact:
      return "signed by key " + key_fingerprint + ", signature and digest (sha256 " + shown +
             "...) verify";
    case IntegrityState::tampered:
      return "TAMPERED: the content's SHA-256 " + content_sha256.substr(0, 16) +
             "... differs from the recorded " + shown + "...: changed after it was written";
    case IntegrityState::bad_signature:
      return "TAMPERED: the signature does not verify with the key it names (" + key_fingerprint +
             ")";
  }
  return {};
}

IntegrityStatus integrity_of(pugi::xml_node report_root) {
  IntegrityStatus st;
  const pugi::xml_node integrity = report_root.child("integrity");
  if (!integrity || !integrity.attribute("sha256")) return st;
  pugi::xml_document doc;
  doc.append_copy(report_root);
  const std::string canonical = canonical_report_bytes(doc);
  st.recorded_sha256 = integrity.attribute("sha256").value();
  st.content_sha256 = sha256_hex(canonical);
  if (st.content_sha256 != st.recorded_sha256) {
    st.state = IntegrityState::tampered;
    return st;
  }
  const pugi::xml_node s = integrity.child("signature");
  if (!s) {
    st.state = IntegrityState::intact;
    return st;
  }
  st.public_key = s.attribute("public-key").value();
  const std::vector<unsigned char> der = unbase64(st.public_key);
  st.key_fingerprint = fingerprint_of(der);
  st.state = signature_verifies(der, unbase64(s.attribute("value").value()), canonical)
                 ? IntegrityState::signed_intact
                 : IntegrityState::bad_signature;
  return st;
}

std::string canonical_report_bytes(const pugi::xml_document& doc) {
  pugi::xml_document copy;
  copy.append_copy(doc.document_element());
  copy.document_element().remove_child("integrity");
  std::ostringstream out;
  copy.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  return out.str();
}

void add_report_digest(pugi::xml_document& doc) {
  pugi::xml_node root = doc.document_element();
  root.remove_child("integrity");
  const std::string digest = sha256_hex(canonical_report_bytes(doc));
  root.append_child("integrity").append_attribute("sha256").set_value(digest.c_str());
}

void sign_report_file(const std::string& report_path, const std::string& key_path) {
  LoadedReport r;
  load(report_path, r);
  const std::string canonical = canonical_report_bytes(r.doc);
  if (sha256_hex(canonical) != r.integrity.attribute("sha256").value()) {
    throw ReportParseError(report_path + ": the digest does not match the content: the report "
                                         "was changed after it was written; not signing it");
  }
  const PkeyPtr key = read_key(key_path, true);
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t size = 0;
  const auto* msg = reinterpret_cast<const unsigned char*>(canonical.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, msg, canonical.size()) != 1) {
    throw ReportParseError(key_path + ": cannot sign with this key");
  }
  std::vector<unsigned char> sig(size);
  if (EVP_DigestSign(ctx.get(), sig.data(), &size, msg, canonical.size()) != 1) {
    throw std::runtime_error(key_path + ": signing failed");
  }
  r.integrity.remove_child("signature");
  pugi::xml_node s = r.integrity.append_child("signature");
  s.append_attribute("algorithm").set_value("ed25519");
  s.append_attribute("public-key").set_value(public_key_der_base64(key.get()).c_str());
  s.append_attribute("value").set_value(base64(sig.data(), size).c_str());
  std::ostringstream out;
  r.doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  write_file_atomically(report_path, out.str());
}

VerifyOutcome verify_report_file(const std::string& report_path, const std::string& pubkey_path) {
  LoadedReport r;
  load(report_path, r);
  VerifyOutcome v;
  const std::string canonical = canonical_report_bytes(r.doc);
  const std::string digest = sha256_hex(canonical);
  if (digest != r.integrity.attribute("sha256").value()) {
    v.message = "TAMPERED: the content's SHA-256 " + digest + " differs from the recorded " +
                r.integrity.attribute("sha256").value();
    return v;
  }
  if (pubkey_path.empty()) {
    v.ok = true;
    v.message = "digest OK (sha256 " + digest + ")" +
                (r.integrity.child("signature") ? "; signed, but no --pubkey given to check it"
                                                : "; not signed");
    return v;
  }
  const pugi::xml_node s = r.integrity.child("signature");
  if (!s) {
    v.message = "NOT SIGNED: digest OK but the report carries no signature";
    return v;
  }
  const PkeyPtr key = read_key(pubkey_path, false);
  const std::vector<unsigned char> sig = unbase64(s.attribute("value").value());
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const bool good =
      !sig.empty() && ctx &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), sig.data(), sig.size(),
                       reinterpret_cast<const unsigned char*>(canonical.data()),
                       canonical.size()) == 1;
  if (!good) {
    v.message = "BAD SIGNATURE: the signature does not verify with " + pubkey_path;
    return v;
  }
  v.ok = true;
  v.message = "OK: digest matches and the signature verifies with " + pubkey_path;
  return v;
}

}  // namespace aicert
