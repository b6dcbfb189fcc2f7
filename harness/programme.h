// A certification programme (an alliance) kept in one folder:
//
//   DIR/ledger                  the hash-chained record of every act (reports/programme_ledger.h)
//   DIR/profiles/<sha256>.xml   the official profiles, stored by the SHA-256 of their bytes
//   DIR/keys/<fingerprint>.pub  the vendors' Ed25519 public keys (PEM)
//   DIR/submissions/<digest>.xml  every accepted report, byte for byte, by its content digest
//
// The ledger is the only state: profiles, keyring, submissions and withdrawals are replayed
// from it, so what audit verifies is everything the programme knows. Every change takes the
// folder's lock (flock on DIR/lock), writes its files first and its ledger record last, each
// atomically: a process killed at any moment leaves a valid ledger (at worst a stored report
// that no record names yet, which audit lists and a resubmission records).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "reports/programme_ledger.h"

namespace aicert {

struct ProgrammeProfile {
  std::string sha256, id, version;
  std::vector<std::string> tiers;  // lowest first
  std::string file;                // relative to DIR
  std::string superseded_by;       // sha256 of the profile that supersedes it, if any
  int seq = 0;                     // the ledger record that added it
};

struct ProgrammeKey {
  std::string vendor, fingerprint;
  std::string public_key;  // base64 DER, compared in full with a report's signing key
  int seq = 0;
};

struct ProgrammeSubmission {
  LedgerRecord accepted;        // the accept record (its fields: see programme.cpp)
  bool withdrawn = false;
  std::string withdrawn_time, withdrawn_reason;
};

struct ProgrammeState {
  std::string name;
  std::vector<ProgrammeProfile> profiles;
  std::vector<ProgrammeKey> keys;
  std::vector<ProgrammeSubmission> submissions;  // in ledger order
  int records = 0;
  std::string head;  // sha256 of the last record
};

// A comma-list field of a ledger record ("tiers", "backends", "supersedes") as its items.
std::vector<std::string> ledger_list(const std::string& value);
// Whether `s` is a report's content digest as the ledger records it (64 lower-case hex).
bool is_report_digest(const std::string& s);

enum class SubmitStatus { accepted, duplicate, refused };

struct SubmitOutcome {
  SubmitStatus status = SubmitStatus::refused;
  std::string digest;   // the report's content digest, when it has one
  std::string message;  // accepted: vendor, verdict, tier; refused: the reason
};

struct AuditOutcome {
  int records = 0, submissions = 0;
  std::string head;  // sha256 of the last record: publish it, and a re-chained ledger shows
  std::vector<std::string> problems;  // the first broken record first; empty when all verify
  std::vector<std::string> notes;     // what is not wrong but worth knowing
};

class Programme {
 public:
  // Creates DIR (empty or absent) with the official profiles. Throws UsageError when DIR
  // already holds a programme or other files, ReportParseError for a malformed profile.
  static void init(const std::string& dir, const std::string& name,
                   const std::vector<std::string>& profile_paths);

  // Opens an existing programme (reads and replays its ledger). Throws UsageError when DIR is
  // not a programme, ReportParseError when its ledger is unreadable or broken.
  explicit Programme(std::string dir);

  const ProgrammeState& state() const { return state_; }
  const std::string& dir() const { return dir_; }

  // Adds an official profile; `supersedes` names older ones ("id@version" or a sha256) whose
  // results it supersedes. Returns the new entry. Throws UsageError / ReportParseError.
  ProgrammeProfile add_profile(const std::string& profile_path,
                               const std::vector<std::string>& supersedes);
  // Adds a vendor's public key. Throws UsageError when the key is already in the keyring.
  ProgrammeKey add_key(const std::string& vendor, const std::string& pubkey_path);

  // Checks one report and, when it passes every check, stores it and records it. Never throws
  // for a bad report: a malformed file is a refusal naming file, line and what is wrong.
  SubmitOutcome submit(const std::string& report_path);

  // Records a withdrawal of an accepted submission (its digest or a unique prefix of 8 or more
  // hex digits). Returns the full digest. Throws UsageError when there is no such submission.
  std::string withdraw(const std::string& digest_or_prefix, const std::string& reason);

  // Re-verifies the programme in `dir`: the chain, every stored profile's hash, every stored
  // report's digest, signature (by a key of the keyring), schema, recomputed verdict and
  // identity. Runs on a broken ledger too (that is what it reports).
  static AuditOutcome audit(const std::string& dir);

  // The official profile with this sha256, or null.
  const ProgrammeProfile* profile(const std::string& sha256) const;

 private:
  void reload();
  std::string ledger_path() const { return dir_ + "/ledger"; }
  LedgerRecord append(LedgerRecord record);

  std::string dir_;
  ProgrammeState state_;
};

}  // namespace aicert
