// A certification programme's folder: init, keyring, official profiles, submissions checked and
// recorded, withdrawals, audit; see programme.h.
//
// Ledger records and their fields (in this order; all values are text):
//   init         name
//   add-profile  profile (sha256), profile-id, profile-version, tiers (comma list, lowest
//                first), file, supersedes (comma list of sha256, may be empty)
//   add-key      vendor, fingerprint, public-key (base64 DER), file
//   accept       report (content digest), report-id, created, vendor, key, profile,
//                profile-id, profile-version, verdict, tier, server, accelerators, machine-id,
//                os, kernel, runtimes, backends, waivers, waivers-expire, file
//   withdraw     report, reason
#include "harness/programme.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/certification_recheck.h"
#include "harness/exit_codes.h"
#include "harness/profile.h"
#include "harness/report_identity.h"
#include "harness/text_join.h"
#include "reports/atomic_file.h"
#include "reports/report_integrity.h"
#include "reports/report_schema_check.h"
#include "reports/report_xml.h"
#include "reports/submission_identity.h"
#include "workloads/sha256.h"

namespace aicert {

namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError{path + ": cannot be read"};
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

// The programme folder's lock, held while a command changes it: two submits at once must not
// both extend the same ledger. Released by the kernel when the process dies.
class FolderLock {
 public:
  explicit FolderLock(const std::string& dir) {
    const std::string path = dir + "/lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) {
      throw UsageError{path + ": cannot lock the programme folder"};
    }
  }
  ~FolderLock() { ::close(fd_); }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

// What a report would be recorded as, or why it cannot be.
struct Examined {
  std::string refusal;  // empty: acceptable
  std::string digest;
  std::string key_fingerprint;  // of the key that signed it, when signed
  std::vector<std::pair<std::string, std::string>> fields;  // the accept record's, without file
};

Examined examine(const std::string& path, const ProgrammeState& state, const std::string& dir,
                 bool for_new_submission, const std::set<std::string>& already) {
  Examined e;
  Report report;
  try {
    report = read_report_xml(path);
  } catch (const ReportParseError& err) {
    e.refusal = std::string("malformed report: ") + err.what();
    return e;
  }
  const IntegrityStatus integrity = report.integrity.value_or(IntegrityStatus{});
  e.digest = integrity.recorded_sha256;
  e.key_fingerprint = integrity.key_fingerprint;
  if (integrity.state == IntegrityState::no_digest) {
    e.refusal = "it carries no digest: nothing proves it is what aicert wrote";
    return e;
  }
  if (!integrity.trustworthy()) {
    e.refusal = integrity.text();
    return e;
  }
  if (for_new_submission && already.count(e.digest)) return e;  // a no-op, decided by the caller
  if (integrity.state != IntegrityState::signed_intact) {
    e.refusal = "it is not signed (aicert sign --key VENDOR.pem " + path + ")";
    return e;
  }
  const auto key = std::find_if(state.keys.begin(), state.keys.end(),
                                [&](const auto& k) { return k.public_key == integrity.public_key; });
  if (key == state.keys.end()) {
    e.refusal = "it is signed by key " + integrity.key_fingerprint +
                ", which is not in the programme's keyring (aicert programme add-key)";
    return e;
  }
  if (const std::string schema = report_schema_errors(path); !schema.empty()) {
    e.refusal = "it does not validate against the report schema: " + schema;
    return e;
  }
  if (!report.profile || !report.certification) {
    e.refusal = "it was not made by 'aicert certify' (no profile, no certification verdict)";
    return e;
  }
  const ProgrammeProfile* official = nullptr;
  for (const auto& p : state.profiles) {
    if (p.sha256 == report.profile->sha256) official = &p;
  }
  if (official == nullptr) {
    std::string list;
    for (const auto& p : state.profiles) list += (list.empty() ? "" : ", ") + p.id + " " + p.version;
    e.refusal = "it was judged by profile " + report.profile->id + " " + report.profile->version +
                " (sha256 " + report.profile->sha256.substr(0, 16) +
                "...), which is not an official profile of this programme (official: " + list +
                ")";
    return e;
  }
  if (for_new_submission && !official->superseded_by.empty()) {
    e.refusal = "its profile " + official->id + " " + official->version +
                " has been superseded: certify with the profile that replaced it";
    return e;
  }
  if (for_new_submission && report.created_utc > utc_now_iso8601()) {
    e.refusal = "it says it was created on " + report.created_utc + ", which is in the future";
    return e;
  }
  Profile profile;
  try {
    profile = read_profile(dir + "/" + official->file);
  } catch (const ReportParseError& err) {
    e.refusal = std::string("the programme's stored profile cannot be read (run audit): ") + err.what();
    return e;
  }
  const RecheckOutcome recheck = recheck_certification(report, profile);
  if (!recheck.agrees) {
    e.refusal = "its stated verdict does not hold: " + recheck.difference;
    return e;
  }

  std::map<std::string, std::string> waivers;  // id -> expiry, as the profile applies them
  for (const auto& c : recheck.judged.cases) {
    if (c.waiver.empty()) continue;
    for (const auto& w : profile.waivers) {
      if (w.id == c.waiver) waivers[w.id] = w.expires;
    }
  }
  std::vector<std::string> waiver_texts;
  std::string earliest;
  for (const auto& [id, expires] : waivers) {
    waiver_texts.push_back(id + " until " + expires);
    if (earliest.empty() || expires < earliest) earliest = expires;
  }
  const SubmissionIdentity who = submission_identity(report);
  e.fields = {{"report", e.digest},
              {"report-id", report.report_id},
              {"created", report.created_utc},
              {"vendor", key->vendor},
              {"key", key->fingerprint},
              {"profile", official->sha256},
              {"profile-id", official->id},
              {"profile-version", official->version},
              {"verdict", report.certification->verdict},
              {"tier", report.certification->highest_tier},
              {"server", who.server},
              {"accelerators", who.accelerators},
              {"machine-id", report.inventory.machine_id},
              {"os", who.os},
              {"kernel", who.kernel},
              {"runtimes", who.runtimes},
              {"backends", join(who.backends, ",")},
              {"waivers", join(waiver_texts, "; ")},
              {"waivers-expire", earliest}};
  return e;
}


// What one record does to the programme's state (the one replay both reload and audit use).
void apply_record(const LedgerRecord& r, ProgrammeState& st) {
  ++st.records;
  st.head = r.sha256;
  if (r.action == "init") {
    st.name = r.get("name");
  } else if (r.action == "add-profile") {
    for (const auto& old : ledger_list(r.get("supersedes"))) {
      for (auto& q : st.profiles) {
        if (q.sha256 == old) q.superseded_by = r.get("profile");
      }
    }
    st.profiles.push_back({r.get("profile"), r.get("profile-id"), r.get("profile-version"),
                           ledger_list(r.get("tiers")), r.get("file"), "", r.seq});
  } else if (r.action == "add-key") {
    st.keys.push_back({r.get("vendor"), r.get("fingerprint"), r.get("public-key"), r.seq});
  } else if (r.action == "accept") {
    st.submissions.push_back({r, false, "", ""});
  } else if (r.action == "withdraw") {
    for (auto& sub : st.submissions) {
      if (sub.accepted.get("report") == r.get("report")) {
        sub.withdrawn = true;
        sub.withdrawn_time = r.time;
        sub.withdrawn_reason = r.get("reason");
      }
    }
  }
}

}  // namespace

std::vector<std::string> ledger_list(const std::string& value) {
  std::vector<std::string> out;
  if (value.empty()) return out;
  std::stringstream in(value);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

bool is_report_digest(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void Programme::init(const std::string& dir, const std::string& name,
                     const std::vector<std::string>& profile_paths) {
  if (profile_paths.empty()) throw UsageError{"programme init: give at least one --profile"};
  std::error_code ec;
  if (fs::exists(dir / fs::path("ledger"))) throw UsageError{dir + ": already holds a programme"};
  if (fs::exists(dir) && !fs::is_empty(dir, ec)) {
    throw UsageError{dir + ": not empty; a programme starts in a new or empty folder"};
  }
  // Every profile is read (and so validated) before anything is written.
  for (const auto& p : profile_paths) read_profile(p);
  fs::create_directories(dir + "/profiles");
  fs::create_directories(dir + "/keys");
  fs::create_directories(dir + "/submissions");
  {
    FolderLock lock(dir);
    LedgerRecord r;
    r.time = utc_now_iso8601();
    r.action = "init";
    r.set("name", name);
    append_ledger_record(dir + "/ledger", r);
  }
  Programme programme(dir);
  for (const auto& p : profile_paths) programme.add_profile(p, {});
}

Programme::Programme(std::string dir) : dir_(std::move(dir)) {
  if (!fs::exists(ledger_path())) {
    throw UsageError{dir_ + ": not a programme folder (no ledger; create one with 'aicert "
                            "programme init')"};
  }
  reload();
}

void Programme::reload() {
  const LedgerContents ledger = read_ledger(ledger_path());
  if (!ledger.broken.empty()) {
    throw ReportParseError(ledger_path() + ": the ledger is broken at " + ledger.broken +
                           " (aicert programme audit " + dir_ + ")");
  }
  state_ = {};
  for (const LedgerRecord& r : ledger.records) apply_record(r, state_);
}

LedgerRecord Programme::append(LedgerRecord record) {
  record.time = utc_now_iso8601();
  LedgerRecord written = append_ledger_record(ledger_path(), std::move(record));
  reload();
  return written;
}

const ProgrammeProfile* Programme::profile(const std::string& sha256) const {
  for (const auto& p : state_.profiles) {
    if (p.sha256 == sha256) return &p;
  }
  return nullptr;
}

ProgrammeProfile Programme::add_profile(const std::string& profile_path,
                                        const std::vector<std::string>& supersedes) {
  const Profile parsed = read_profile(profile_path);
  FolderLock lock(dir_);
  reload();
  if (profile(parsed.identity.sha256) != nullptr) {
    throw UsageError{profile_path + ": this profile (sha256 " + parsed.identity.sha256.substr(0, 16) +
                     "...) is already an official profile of " + dir_};
  }
  std::vector<std::string> replaced;
  for (const auto& name : supersedes) {
    const ProgrammeProfile* found = nullptr;
    for (const auto& p : state_.profiles) {
      if (p.sha256 == name || p.id + "@" + p.version == name) found = &p;
    }
    if (found == nullptr) {
      throw UsageError{"--supersedes " + name + ": no official profile of that id@version or sha256"};
    }
    replaced.push_back(found->sha256);
  }
  const std::string file = "profiles/" + parsed.identity.sha256 + ".xml";
  write_file_atomically(dir_ + "/" + file, slurp(profile_path));
  LedgerRecord r;
  r.action = "add-profile";
  r.set("profile", parsed.identity.sha256);
  r.set("profile-id", parsed.identity.id);
  r.set("profile-version", parsed.identity.version);
  r.set("tiers", join(parsed.tiers, ","));
  r.set("file", file);
  r.set("supersedes", join(replaced, ","));
  append(r);
  return *profile(parsed.identity.sha256);
}

ProgrammeKey Programme::add_key(const std::string& vendor, const std::string& pubkey_path) {
  if (vendor.empty()) throw UsageError{"programme add-key: --vendor must name the vendor"};
  const PublicKeyIdentity key = public_key_identity(pubkey_path);
  FolderLock lock(dir_);
  reload();
  for (const auto& k : state_.keys) {
    if (k.public_key == key.der_base64) {
      throw UsageError{pubkey_path + ": key " + key.fingerprint + " is already in the keyring, for " +
                       k.vendor};
    }
  }
  const std::string file = "keys/" + key.fingerprint.substr(7) + ".pub";
  write_file_atomically(dir_ + "/" + file, slurp(pubkey_path));
  LedgerRecord r;
  r.action = "add-key";
  r.set("vendor", vendor);
  r.set("fingerprint", key.fingerprint);
  r.set("public-key", key.der_base64);
  r.set("file", file);
  append(r);
  return state_.keys.back();
}

SubmitOutcome Programme::submit(const std::string& report_path) {
  FolderLock lock(dir_);
  reload();
  std::set<std::string> already;
  for (const auto& s : state_.submissions) already.insert(s.accepted.get("report"));
  SubmitOutcome out;
  // The bytes are copied once into the programme's folder and only that copy is checked and
  // stored: a file changed while it is being submitted cannot slip unverified bytes in.
  const std::string incoming = dir_ + "/submissions/.incoming-" + std::to_string(::getpid());
  try {
    write_file_atomically(incoming, slurp(report_path));
  } catch (const UsageError& err) {
    out.message = err.message;
    return out;
  } catch (const std::runtime_error& err) {
    out.message = err.what();
    return out;
  }
  struct RemoveIncoming {
    const std::string& path;
    ~RemoveIncoming() { ::unlink(path.c_str()); }
  } cleanup{incoming};
  Examined e = examine(incoming, state_, dir_, true, already);
  // Messages name the file the user gave, not the private copy.
  for (std::size_t at; (at = e.refusal.find(incoming)) != std::string::npos;) {
    e.refusal.replace(at, incoming.size(), report_path);
  }
  out.digest = e.digest;
  if (!e.refusal.empty()) {
    out.message = e.refusal;
    return out;
  }
  if (already.count(e.digest)) {
    for (const auto& s : state_.submissions) {
      if (s.accepted.get("report") != e.digest) continue;
      if (s.accepted.get("key") != e.key_fingerprint) {
        out.message = "this report was already accepted from " + s.accepted.get("vendor") + " (key " +
                      s.accepted.get("key") + ", record " + std::to_string(s.accepted.seq) +
                      "); a report is credited to the key that submitted it first";
        return out;
      }
      out.status = SubmitStatus::duplicate;
      out.message = "already accepted in record " + std::to_string(s.accepted.seq) +
                    (s.withdrawn ? " (withdrawn: " + s.withdrawn_reason + ")" : "") +
                    "; nothing changed";
    }
    return out;
  }
  // The report first, then the record that names it: killed in between, the ledger is whole
  // and the stored file is an orphan that audit lists and a resubmission records.
  const std::string file = "submissions/" + e.digest + ".xml";
  if (::rename(incoming.c_str(), (dir_ + "/" + file).c_str()) != 0) {
    throw std::runtime_error("cannot store " + file + ": " + std::strerror(errno));
  }
  // On disk before the record that names it (a power cut must not leave a record without it).
  if (const int d = ::open((dir_ + "/submissions").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
    (void)::fsync(d);
    ::close(d);
  }
  LedgerRecord r;
  r.action = "accept";
  r.fields = e.fields;
  r.set("file", file);
  const LedgerRecord written = append(r);
  out.status = SubmitStatus::accepted;
  out.message = "accepted as record " + std::to_string(written.seq) + ": " + r.get("vendor") +
                ", " + r.get("verdict") +
                (r.get("tier").empty() ? "" : " (highest tier " + r.get("tier") + ")") + ", " +
                r.get("accelerators") + " in " + r.get("server");
  return out;
}

std::string Programme::withdraw(const std::string& digest_or_prefix, const std::string& reason) {
  if (reason.empty()) throw UsageError{"programme withdraw: --reason must say why"};
  if (digest_or_prefix.size() < 8) {
    throw UsageError{"programme withdraw: give the report's digest (at least 8 hex digits)"};
  }
  FolderLock lock(dir_);
  reload();
  std::vector<const ProgrammeSubmission*> matches;
  for (const auto& s : state_.submissions) {
    if (s.accepted.get("report").rfind(digest_or_prefix, 0) == 0) matches.push_back(&s);
  }
  if (matches.empty()) throw UsageError{"programme withdraw: no submission " + digest_or_prefix};
  if (matches.size() > 1) {
    throw UsageError{"programme withdraw: " + digest_or_prefix + " names " +
                     std::to_string(matches.size()) + " submissions; give more digits"};
  }
  if (matches.front()->withdrawn) {
    throw UsageError{"programme withdraw: " + digest_or_prefix + " was already withdrawn on " +
                     matches.front()->withdrawn_time};
  }
  const std::string digest = matches.front()->accepted.get("report");
  LedgerRecord r;
  r.action = "withdraw";
  r.set("report", digest);
  r.set("reason", reason);
  append(r);
  return digest;
}

AuditOutcome Programme::audit(const std::string& dir) {
  const std::string ledger_file = dir + "/ledger";
  AuditOutcome out;
  LedgerContents ledger;
  try {
    ledger = read_ledger(ledger_file);
  } catch (const ReportParseError& e) {
    out.problems.push_back(std::string("the ledger cannot be read as one: ") + e.what());
    return out;
  }
  out.records = static_cast<int>(ledger.records.size());
  if (!ledger.records.empty()) out.head = ledger.records.back().sha256;
  if (!ledger.broken.empty()) {
    out.problems.push_back(ledger_file + ": " + ledger.broken);
    return out;  // nothing after a break can be trusted
  }
  // Replay record by record (apply_record, as reload does), so that a submission is checked
  // against the keyring and profiles as they stood when it was accepted.
  ProgrammeState so_far;
  std::set<std::string> recorded_files;
  const auto problem = [&](const LedgerRecord& r, const std::string& what) {
    out.problems.push_back(ledger_file + ": record " + std::to_string(r.seq) + " (line " +
                           std::to_string(r.line) + ", " + r.action + "): " + what);
  };
  for (const LedgerRecord& r : ledger.records) {
    const std::string file = r.get("file");
    if (!file.empty()) recorded_files.insert(file);
    if (r.action == "init") {
      // nothing to verify
    } else if (r.action == "add-profile") {
      const std::string path = dir + "/" + file;
      std::string bytes;
      try {
        bytes = slurp(path);
      } catch (const UsageError& err) {
        problem(r, file + " cannot be read: " + err.message);
      }
      if (!bytes.empty() && sha256_hex(bytes) != r.get("profile")) {
        problem(r, file + " does not hash to the recorded " + r.get("profile"));
      }
    } else if (r.action == "add-key") {
      try {
        const PublicKeyIdentity k = public_key_identity(dir + "/" + file);
        if (k.der_base64 != r.get("public-key") || k.fingerprint != r.get("fingerprint")) {
          problem(r, file + " is not the key the record names");
        }
      } catch (const ReportParseError& err) {
        problem(r, std::string("its key file: ") + err.what());
      }
    } else if (r.action == "accept") {
      ++out.submissions;
      const std::string path = dir + "/" + file;
      if (!is_report_digest(r.get("report")) || file != "submissions/" + r.get("report") + ".xml") {
        problem(r, "names no stored report by its digest");
        continue;
      }
      if (!fs::exists(path)) {
        problem(r, file + " is missing");
        continue;
      }
      // What submit refuses cannot have been accepted: a second accept of one digest, or an
      // accept under a profile already superseded at that point of the ledger.
      if (std::any_of(so_far.submissions.begin(), so_far.submissions.end(),
                      [&](const auto& s) { return s.accepted.get("report") == r.get("report"); })) {
        problem(r, "accepts " + r.get("report") + " a second time");
        continue;
      }
      for (const auto& p : so_far.profiles) {
        if (p.sha256 == r.get("profile") && !p.superseded_by.empty()) {
          problem(r, "accepts a report of profile " + p.id + " " + p.version +
                         ", which was superseded before it");
        }
      }
      const Examined e = examine(path, so_far, dir, false, {});
      if (!e.refusal.empty()) {
        problem(r, file + ": " + e.refusal);
        continue;
      }
      for (const auto& [k, v] : e.fields) {
        if (r.get(k) != v) {
          problem(r, "its " + k + " says '" + r.get(k) + "' but the stored report gives '" + v + "'");
          break;
        }
      }
    } else if (r.action == "withdraw") {
      const auto it = std::find_if(so_far.submissions.begin(), so_far.submissions.end(),
                                   [&](const auto& s) { return s.accepted.get("report") == r.get("report"); });
      if (it == so_far.submissions.end()) {
        problem(r, "withdraws " + r.get("report") + ", which was never accepted");
      } else if (it->withdrawn) {
        problem(r, "withdraws " + r.get("report") + " a second time");
      }
    } else {
      problem(r, "unknown action '" + r.action + "'");
    }
    apply_record(r, so_far);  // an accept that failed its checks `continue`s past this
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir + "/submissions", ec)) {
    const std::string rel = "submissions/" + entry.path().filename().string();
    if (entry.path().extension() == ".xml" && !recorded_files.count(rel)) {
      out.notes.push_back(rel + " is stored but no record names it (a submit interrupted "
                                "before its record; submit it again to record it)");
    }
  }
  return out;
}

}  // namespace aicert
