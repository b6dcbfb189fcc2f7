// What a report's <integrity> says about the file it was read from: no digest, digest matches,
// signed (the signature verifies with the public key the report carries, named by its
// fingerprint), or TAMPERED (the content's SHA-256 differs from the recorded one, or the
// signature does not verify). Computed by read_report_xml (integrity_of in report_integrity.h)
// and shown wherever a report is shown (HTML report, fleet page; the consoles of report,
// compare and fleet): a tampered report is still shown, never silently.
#pragma once

#include <string>

namespace aicert {

enum class IntegrityState { no_digest, intact, signed_intact, tampered, bad_signature };

struct IntegrityStatus {
  IntegrityState state = IntegrityState::no_digest;
  std::string recorded_sha256;  // what <integrity sha256=...> says
  std::string content_sha256;   // what the content hashes to
  std::string key_fingerprint;  // "SHA256:<first 16 hex of sha256(DER public key)>", when signed
  std::string public_key;       // the signing key, base64 of its DER form, when signed

  bool trustworthy() const {
    return state == IntegrityState::intact || state == IntegrityState::signed_intact;
  }
  // One line: "digest matches (sha256 1a2b3c4d...)", "signed by key SHA256:..., digest
  // matches", "TAMPERED: the content's SHA-256 ... differs from the recorded ...".
  std::string text() const;
};

}  // namespace aicert
