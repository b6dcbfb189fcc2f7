// `aicert programme ...`: run a certification programme (an alliance) from one folder: its
// official profiles and vendor keyring, submissions checked and recorded in a hash-chained
// ledger, withdrawals, audit, and the published compatibility matrix. See harness/programme.h
// for the folder and README "Running a certification programme" for the whole flow.
#include <filesystem>
#include <iostream>
#include <memory>

#include "harness/certification.h"
#include "harness/commands.h"
#include "harness/exit_codes.h"
#include "harness/programme.h"
#include "reports/atomic_file.h"
#include "reports/compatibility_matrix.h"
#include "reports/html_report.h"
#include "reports/report_xml.h"

namespace aicert {

namespace {

namespace fs = std::filesystem;

bool valid_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

// Writes the matrix page (and XML), with every submission's report beside it as HTML and as
// its stored XML, so the published folder is complete on its own.
int publish(const Programme& programme, const std::string& html_path, const std::string& xml_path,
            const std::string& date) {
  const ProgrammeState& st = programme.state();
  const fs::path out_dir = fs::absolute(html_path).parent_path();
  fs::create_directories(out_dir / "reports");
  std::vector<MatrixEntry> entries;
  for (const ProgrammeSubmission& s : st.submissions) {
    const LedgerRecord& r = s.accepted;
    MatrixEntry e;
    e.digest = r.get("report");
    e.vendor = r.get("vendor");
    e.key = r.get("key");
    e.created = r.get("created");
    e.profile_id = r.get("profile-id");
    e.profile_version = r.get("profile-version");
    e.verdict = r.get("verdict");
    e.tier = r.get("tier");
    e.server = r.get("server");
    e.accelerators = r.get("accelerators");
    e.os = r.get("os");
    e.kernel = r.get("kernel");
    e.runtimes = r.get("runtimes");
    e.backends = ledger_list(r.get("backends"));
    e.waivers = r.get("waivers");
    e.waivers_expire = r.get("waivers-expire");
    e.withdrawn = s.withdrawn;
    e.withdrawn_reason = s.withdrawn_reason;
    e.withdrawn_time = s.withdrawn_time;
    if (const ProgrammeProfile* p = programme.profile(r.get("profile"))) {
      for (std::size_t i = 0; i < p->tiers.size(); ++i) {
        if (p->tiers[i] == e.tier) e.tier_rank = static_cast<int>(i);
      }
      if (const ProgrammeProfile* by = programme.profile(p->superseded_by)) {
        e.superseded_by = by->id + " " + by->version;
      }
    }
    // Only what still verifies is published: the stored file must be the report the record
    // names, intact and signed by the key that submitted it.
    if (!is_report_digest(e.digest) || r.get("file") != "submissions/" + e.digest + ".xml") {
      throw UsageError{"ledger record " + std::to_string(r.seq) + " names no stored report; run "
                       "'aicert programme audit " + programme.dir() + "'"};
    }
    const std::string stored = programme.dir() + "/" + r.get("file");
    const Report report = read_report_xml(stored);
    if (!report.integrity || report.integrity->state != IntegrityState::signed_intact ||
        report.integrity->recorded_sha256 != e.digest || report.integrity->key_fingerprint != e.key) {
      throw UsageError{stored + ": does not verify as accepted (" +
                       (report.integrity ? report.integrity->text() : std::string("no digest")) +
                       "); nothing published; run 'aicert programme audit " + programme.dir() + "'"};
    }
    write_html(report_html(report), (out_dir / "reports" / (e.digest + ".html")).string());
    fs::copy_file(stored, out_dir / "reports" / (e.digest + ".xml"),
                  fs::copy_options::overwrite_existing);
    e.report_link = "reports/" + e.digest + ".html";
    entries.push_back(std::move(e));
  }
  CompatibilityMatrix m =
      build_compatibility_matrix(st.name.empty() ? "aicert programme" : st.name, entries, date);
  m.ledger_head = st.head;
  m.ledger_records = st.records;
  write_html(compatibility_matrix_html(m), html_path);
  if (!xml_path.empty()) write_file_atomically(xml_path, compatibility_matrix_xml(m));
  std::cout << "matrix: " << m.rows.size() << " hardware x " << m.columns.size()
            << " software, " << m.submissions << " submission(s), " << m.current
            << " current as of " << date << "\nledger: " << st.records << " records, head sha256 "
            << st.head << "\nhtml: " << html_path << "\n";
  if (!xml_path.empty()) std::cout << "xml: " << xml_path << "\n";
  return kExitOk;
}

}  // namespace

void add_programme_command(CLI::App& app, CommandAction& action) {
  CLI::App* prog = app.add_subcommand(
      "programme",
      "Run a certification programme (an alliance) from one folder: official profiles, a "
      "keyring of vendors' Ed25519 public keys, submissions verified (digest, signature, "
      "schema, official profile, verdict recomputed from the cases) and recorded in a "
      "hash-chained ledger, withdrawals, audit and the published compatibility matrix.");
  prog->require_subcommand(1);

  struct Options {
    std::string dir, name, vendor, key, profile, digest, reason, html, xml, date;
    std::vector<std::string> profiles, supersedes, reports;
  };
  auto o = std::make_shared<Options>();

  CLI::App* init = prog->add_subcommand(
      "init", "Create a programme folder with its official profiles (by id, version and "
              "SHA-256). The folder must be new or empty.");
  init->add_option("dir", o->dir, "programme folder")->required();
  init->add_option("--profile", o->profiles, "an official profile (XML); repeatable")->required();
  init->add_option("--name", o->name, "the programme's name, shown on the matrix")
      ->default_str("aicert programme");
  init->callback([&action, o] {
    action = [o] {
      Programme::init(o->dir, o->name.empty() ? "aicert programme" : o->name, o->profiles);
      const Programme p(o->dir);
      for (const auto& pr : p.state().profiles) {
        std::cout << "official profile: " << pr.id << " " << pr.version << " (sha256 "
                  << pr.sha256 << ")\n";
      }
      std::cout << "programme: " << o->dir << "\n";
      return kExitOk;
    };
  });

  CLI::App* add_key = prog->add_subcommand(
      "add-key", "Add a vendor's Ed25519 public key (PEM, e.g. from 'openssl pkey -pubout') to "
                 "the keyring: reports it signed can then be submitted.");
  add_key->add_option("dir", o->dir, "programme folder")->required();
  add_key->add_option("--vendor", o->vendor, "the vendor's name")->required();
  add_key->add_option("key", o->key, "the vendor's public key, PEM")->required();
  add_key->callback([&action, o] {
    action = [o] {
      Programme p(o->dir);
      const ProgrammeKey k = p.add_key(o->vendor, o->key);
      std::cout << "keyring: " << k.vendor << " key " << k.fingerprint << "\n";
      return kExitOk;
    };
  });

  CLI::App* add_profile = prog->add_subcommand(
      "add-profile", "Add an official profile, optionally superseding older ones: results under "
                     "a superseded profile stay listed but no longer count in the matrix, and "
                     "new submissions against it are refused.");
  add_profile->add_option("dir", o->dir, "programme folder")->required();
  add_profile->add_option("profile", o->profile, "profile XML")->required();
  add_profile->add_option("--supersedes", o->supersedes,
                          "an official profile it replaces: ID@VERSION or its sha256; repeatable");
  add_profile->callback([&action, o] {
    action = [o] {
      Programme p(o->dir);
      const ProgrammeProfile pr = p.add_profile(o->profile, o->supersedes);
      std::cout << "official profile: " << pr.id << " " << pr.version << " (sha256 " << pr.sha256
                << ")\n";
      return kExitOk;
    };
  });

  CLI::App* submit = prog->add_subcommand(
      "submit",
      "Submit signed reports. Each is accepted only if its digest and Ed25519 signature verify "
      "with a key of the keyring, it validates against the report schema, it was judged by an "
      "official profile (id, version and SHA-256) and its stated verdict is what that profile "
      "makes of its cases. A refusal names the reason and changes nothing; resubmitting an "
      "accepted report is a no-op. Exit 0 all accepted, 1 any refused.");
  submit->add_option("dir", o->dir, "programme folder")->required();
  submit->add_option("reports", o->reports, "report.xml files")->required();
  submit->callback([&action, o] {
    action = [o] {
      Programme p(o->dir);
      int rc = kExitOk;
      for (const auto& file : o->reports) {
        const SubmitOutcome s = p.submit(file);
        if (s.status == SubmitStatus::refused) {
          std::cerr << file << ": REFUSED: " << s.message << "\n";
          rc = kExitFailed;
        } else {
          std::cout << file << ": " << s.message << " (digest " << s.digest << ")\n";
        }
      }
      return rc;
    };
  });

  CLI::App* withdraw = prog->add_subcommand(
      "withdraw", "Withdraw an accepted submission (recorded in the ledger; the matrix shows it "
                  "struck through with the reason).");
  withdraw->add_option("dir", o->dir, "programme folder")->required();
  withdraw->add_option("digest", o->digest, "the report's digest, or 8+ leading hex digits")
      ->required();
  withdraw->add_option("--reason", o->reason, "why it is withdrawn")->required();
  withdraw->callback([&action, o] {
    action = [o] {
      Programme p(o->dir);
      std::cout << "withdrawn: " << p.withdraw(o->digest, o->reason) << "\n";
      return kExitOk;
    };
  });

  CLI::App* audit = prog->add_subcommand(
      "audit", "Re-verify the whole programme: the ledger's hash chain, every stored profile's "
               "hash, every stored report's digest, signature, schema and recomputed verdict "
               "against its record. Exit 0 when all verify, 1 naming the first broken record.");
  audit->add_option("dir", o->dir, "programme folder")->required();
  audit->callback([&action, o] {
    action = [o] {
      if (!fs::exists(o->dir + "/ledger")) {
        throw UsageError{o->dir + ": not a programme folder (no ledger)"};
      }
      const AuditOutcome a = Programme::audit(o->dir);
      for (const auto& n : a.notes) std::cout << "note: " << n << "\n";
      if (!a.problems.empty()) {
        std::cerr << "audit: FAILED: first problem: " << a.problems.front() << "\n";
        for (std::size_t i = 1; i < a.problems.size(); ++i) std::cerr << "  also: " << a.problems[i] << "\n";
        return kExitFailed;
      }
      std::cout << "audit: OK: " << a.records << " ledger record(s), hash chain intact, head sha256 "
                << a.head << "; "
                << a.submissions << " submission(s) re-verified (digest, signature, schema, "
                                    "official profile, recomputed verdict)\n";
      return kExitOk;
    };
  });

  CLI::App* pub = prog->add_subcommand(
      "publish", "Write the compatibility matrix: rows hardware (accelerators, server model), "
                 "columns software (OS, kernel, backend runtimes), each cell the best current "
                 "tier certified with links to its reports (written beside the page), filters "
                 "by vendor and backend, and what no longer counts (withdrawn, superseded "
                 "profile, expired waiver).");
  pub->add_option("dir", o->dir, "programme folder")->required();
  pub->add_option("--html", o->html, "the matrix page to write")->required();
  pub->add_option("--xml", o->xml, "the matrix as XML too");
  pub->add_option("--date", o->date,
                  "judge waiver expiry as of this day, YYYY-MM-DD (default: today, UTC)");
  pub->callback([&action, o] {
    action = [o] {
      if (!o->date.empty() && !valid_date(o->date)) {
        throw UsageError{"--date " + o->date + ": expected YYYY-MM-DD"};
      }
      const Programme p(o->dir);
      try {
        return publish(p, o->html, o->xml, o->date.empty() ? utc_today() : o->date);
      } catch (const fs::filesystem_error& e) {
        throw UsageError{std::string("publish: ") + e.what()};
      }
    };
  });
}

}  // namespace aicert
