// `aicert certify`: the product's main job. Plans a profile's cases on this machine, runs each
// in a worker process per device (a crash or hang costs one case), journals every finished
// case to DIR/journal before the next starts (so --resume finishes a killed run), judges the
// results against the profile and writes DIR/report.xml.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "harness/certification.h"
#include "harness/certify_plan.h"
#include "harness/commands.h"
#include "harness/console.h"
#include "harness/exit_codes.h"
#include "harness/journal.h"
#include "harness/mpi_job.h"
#include "harness/shared_reference_folder.h"
#include "harness/worker_process.h"
#include "harness/machine_inventory.h"
#include "reports/roofline.h"
#include "probes/machine_identity.h"
#include "harness/report_identity.h"
#include "harness/run_plan.h"
#include "harness/isolated_runner.h"
#include "reports/html_report.h"
#include "reports/junit_writer.h"
#include "reports/redaction.h"
#include "reports/report_xml.h"

namespace aicert {

namespace {

namespace fs = std::filesystem;

struct CertifyOptions {
  std::string profile = "quick";
  std::string out = "aicert-out";
  bool resume = false;
  std::string baseline;
  CertifyOverrides overrides;
  double case_timeout_s = 0;
  bool case_timeout_given = false;  // else the profile's
  std::string junit;
  bool redact = false;
  std::string machine_id;
};

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// Runs the plan's cases that the journal lacks, appending each result as it finishes.
void run_missing_cases(const CertifyPlan& plan, const Profile& profile, double case_timeout_s,
                       const std::string& out_dir, Journal& journal) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const bool terminal = ::isatty(STDOUT_FILENO) != 0;
  std::size_t remaining = 0;
  for (const auto& c : plan.cases) remaining += journal.finished().count(c.work.case_id) == 0;
  if (remaining < plan.cases.size()) {
    std::cout << "resuming: " << plan.cases.size() - remaining << " of " << plan.cases.size()
              << " cases already in the journal\n";
  }
  const SharedReferenceFolder references((fs::path(out_dir) / "references").string());  // outlives the workers below
  IsolatedRunner runner;
  // The results so far (a resumed journal's too): the console line's roofline needs the peak
  // and stream cases of the device.
  std::vector<CaseResult> seen;
  for (const auto& [id, r] : journal.finished()) seen.push_back(r);
  std::size_t done = 0, index = 0;
  for (const PlannedCase& pc : plan.cases) {
    ++index;
    if (journal.finished().count(pc.work.case_id)) continue;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const std::string eta = done == 0 ? "?" : clock_text(elapsed / done * (remaining - done));
    if (terminal) {
      std::cout << "\r\033[K[" << index << "/" << plan.cases.size() << "] running "
                << pc.work.case_id << "  elapsed " << clock_text(elapsed) << "  eta " << eta
                << std::flush;
    }
    CaseResult result = runner.run(pc.work, case_timeout_s);
    result.test_id = profile.tests[pc.test].id;
    result.blocker = profile.tests[pc.test].blocker;
    journal.append(result);
    seen.push_back(result);
    result.roofline = roofline_of(result, seen);
    ++done;
    const double now = std::chrono::duration<double>(Clock::now() - start).count();
    std::cout << (terminal ? "\r\033[K" : "") << format_case_line(result, index, plan.cases.size())
              << "  [" << clock_text(now) << ", eta "
              << (done == remaining ? "0:00" : clock_text(now / done * (remaining - done))) << "]\n"
              << std::flush;
  }
}

int run_certify(const CertifyOptions& o, const std::string& command_line) {
  // Its worker processes would inherit the launcher's rank and each rank would certify on its
  // own into the same folder: refused before anything is read or written.
  if (const MpiJob job = mpi_job_from_env(); job.active) {
    throw UsageError{"aicert certify does not run as an MPI job yet (this is rank " +
                     std::to_string(job.rank) + " of " + std::to_string(job.size) +
                     "): certify each host on its own, and run the job's collectives across "
                     "hosts with `mpirun ... aicert run --backend mpi`"};
  }
  const Profile profile = read_profile(find_profile(o.profile));
  std::optional<Report> baseline;
  if (!o.baseline.empty()) baseline = read_report_xml(o.baseline);
  if (const std::string why = case_timeout_problem(o.case_timeout_s);
      o.case_timeout_given && !why.empty()) {
    throw UsageError{"--case-timeout: " + why};
  }
  if (const std::string why = machine_id_problem(o.machine_id); !o.machine_id.empty() && !why.empty()) {
    throw UsageError{"--machine-id '" + o.machine_id + "': " + why};
  }

  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (!fs::is_directory(o.out)) {
    throw UsageError{o.out + ": cannot use as the output folder" +
                     (ec ? ": " + ec.message() : std::string(": not a folder"))};
  }
  const PluginRegistry registry = PluginRegistry::load_all();
  const CertifyPlan plan =
      plan_certification(profile, registry, o.overrides, host_memory_budget());
  const std::string journal_path = (fs::path(o.out) / "journal").string();
  Journal journal = o.resume ? Journal::resume(journal_path, plan.digest)
                             : Journal::create(journal_path, plan.digest);

  std::cout << "aicert certify: profile " << profile.identity.id << " " << profile.identity.version
            << ", " << plan.cases.size() << " cases\n";
  for (const auto& note : plan.notes) std::cout << "note: " << note << "\n";
  std::cout << std::flush;
  run_missing_cases(plan, profile, o.case_timeout_given ? o.case_timeout_s : profile.case_timeout_s,
                    o.out, journal);

  Report report = new_report(command_line);
  report.profile = profile.identity;
  report.inventory = build_inventory(registry);
  if (!o.machine_id.empty()) set_machine_id(report.inventory, o.machine_id);
  if (o.redact) {
    redact_inventory(report.inventory);
    if (report.scheduler) redact_scheduler(*report.scheduler);
  }
  for (const auto& pc : plan.cases) report.cases.push_back(journal.finished().at(pc.work.case_id));
  judge_certification(report, profile, baseline ? &*baseline : nullptr, plan.notes, utc_today(),
                      plan.inapplicable_tests);
  const std::string report_path = (fs::path(o.out) / "report.xml").string();
  write_report_xml(report, report_path);
  write_html(report_html(report), (fs::path(o.out) / "report.html").string());
  if (!o.junit.empty()) {
    write_junit_xml("aicert certify " + profile.identity.id, junit_cases(report), o.junit);
  }

  const Certification& cert = *report.certification;
  std::cout << format_summary(report.summary) << "\n"
            << cert.verdict
            << (cert.highest_tier.empty() ? "" : " (highest tier met: " + cert.highest_tier + ")")
            << "\n";
  for (const auto& t : cert.tiers) {
    std::cout << "  tier " << t.id << ": " << (t.met ? "met" : "not met: " + t.reason) << "\n";
  }
  for (const auto& r : cert.reasons) std::cout << "  " << r << "\n";
  std::cout << "report: " << fs::absolute(report_path).lexically_normal().string() << "\n";
  return cert.verdict == "CERTIFIED" ? kExitOk : kExitFailed;
}

}  // namespace

void add_certify_command(CLI::App& app, CommandAction& action, const std::string& command_line) {
  auto o = std::make_shared<CertifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "certify",
      "Certify this machine against a profile: plans its cases on every available backend, "
      "runs each in a worker process per device (a crash or hang costs only that case), "
      "journals every result to DIR/journal, judges them against the profile's tolerances, "
      "thresholds and waivers, and writes DIR/report.xml. Exit 0 CERTIFIED, 1 NOT CERTIFIED "
      "or INCOMPLETE, 2 bad profile or options.");
  cmd->add_option("--profile,-p", o->profile,
                  "Shipped profile name (quick, standard, stress, ci-gate) or a profile XML file")
      ->capture_default_str();
  cmd->add_option("--out,-o", o->out, "Output folder for journal and report.xml")
      ->capture_default_str();
  cmd->add_flag("--resume", o->resume,
                "Finish the run recorded in DIR/journal (after a kill or crash): runs only the "
                "cases it lacks");
  cmd->add_option("--baseline", o->baseline,
                  "Earlier report.xml for the profile's baseline thresholds (regressions)");
  cmd->add_option("--backend,-b", o->overrides.backends,
                  "Only these backends (default: what the profile names, all available)")
      ->delimiter(',');
  cmd->add_option("--duration", o->overrides.soak_s,
                  "Seconds of bitwise repeat-consistency checking spread over the profile's "
                  "repeat-check tests (default: the profile's <soak>)");
  CLI::Option* timeout = cmd->add_option(
      "--case-timeout", o->case_timeout_s,
      "Watchdog per case in seconds, at most 1e6 (default: the profile's case-timeout-s)");
  cmd->add_option("--junit", o->junit, "Also write the case results as JUnit XML to this file");
  cmd->add_flag("--redact", o->redact,
                "Leave host names, serial numbers and UUIDs out of the report (the machine id, "
                "a keyed hash, stays so that `aicert fleet` can group redacted reports)");
  cmd->add_option("--machine-id", o->machine_id,
                  "This machine's id in the report (an asset tag: letters, digits, . _ : -), "
                  "for machines whose firmware identity is blank (default: a keyed hash of the "
                  "DMI product UUID or serial, /etc/machine-id or the host name)");
  cmd->callback([&action, o, command_line, timeout] {
    o->case_timeout_given = timeout->count() > 0;
    action = [o, command_line] { return run_certify(*o, command_line); };
  });
}

}  // namespace aicert
