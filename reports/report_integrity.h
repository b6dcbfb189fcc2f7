// Integrity of a report file: a SHA-256 digest over its canonical content, and an optional
// Ed25519 signature (OpenSSL) over the same bytes, both kept in the report's last element
// <integrity>. Canonical content = the report document serialized by pugixml without
// indentation and without <integrity>; any change to any value changes it.
#pragma once

#include <pugixml.hpp>
#include <string>

#include "reports/integrity_status.h"

namespace aicert {

// The canonical bytes of a report document (its <integrity> element left out).
std::string canonical_report_bytes(const pugi::xml_document& doc);

// Appends <integrity sha256="..."/> to the report root (replacing an existing one).
void add_report_digest(pugi::xml_document& doc);

// Signs the report file in place with the Ed25519 private key in PEM file `key_path`:
// checks the digest first (a tampered report is not signed), then adds
// <signature algorithm="ed25519" public-key="..." value="..."/>. Throws ReportParseError on a
// malformed report, a digest mismatch or an unusable key.
void sign_report_file(const std::string& report_path, const std::string& key_path);

struct VerifyOutcome {
  bool ok = false;
  std::string message;  // what was checked and what failed, one line
};

// Checks the digest and, when `pubkey_path` is given (PEM), that the report is signed by that
// key. Throws ReportParseError on a malformed report (exit 2); a mismatch is !ok (exit 1).
VerifyOutcome verify_report_file(const std::string& report_path, const std::string& pubkey_path);

// An Ed25519 public key as a keyring holds it: base64 of its DER form (what a signed report
// carries) and its fingerprint (as IntegrityStatus names it).
struct PublicKeyIdentity {
  std::string der_base64;
  std::string fingerprint;
};
// Reads a PEM public key file; throws ReportParseError when it is not an Ed25519 public key.
PublicKeyIdentity public_key_identity(const std::string& pubkey_path);

// What the <integrity> of a report document (its root <aicert-report>) says of its content:
// the digest compared, and a signature checked against the public key it carries.
IntegrityStatus integrity_of(pugi::xml_node report_root);

}  // namespace aicert
