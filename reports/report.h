// The report model: inventory, run identity and every case result, as written to report.xml.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/case_result.h"
#include "reports/integrity_status.h"
#include "reports/inventory.h"

namespace aicert {

inline constexpr int kReportSchemaVersion = 1;

struct ReportSummary {
  int total = 0, passed = 0, failed = 0, skipped = 0, not_supported = 0, errors = 0;
  std::string verdict;             // "PASS" when nothing failed or errored, else "FAIL"
};

// Which certification profile judged the run (absent for `aicert run`).
struct ProfileIdentity {
  std::string id, version, policy_version;
  std::string sha256;              // of the profile file's bytes
  std::string source;              // the file it was read from
};

struct TierOutcome {
  std::string id;
  bool met = false;
  std::string reason;              // why not met, empty when met
};

// The certification verdict of a profile run: CERTIFIED, NOT CERTIFIED or INCOMPLETE.
struct Certification {
  std::string verdict;
  std::string highest_tier;        // empty when no tier was met or the profile has none
  std::vector<TierOutcome> tiers;  // in the profile's order, lowest first
  std::vector<std::string> reasons;  // what decided the verdict
  std::string baseline_report_id;  // the --baseline report compared against, if any
};

// One host of an MPI job and the ranks that ran there. The reporting host (rank 0's) has no
// inventory of its own here: it is the report's inventory.
struct JobHost {
  std::string hostname;
  std::string ranks;               // "0,1"
  std::optional<Inventory> inventory;
};

// The batch scheduler's job the report ran in (Slurm), from its environment: so an operator
// finds the job's logs and the nodes it had, and a health check's report names its allocation.
struct SchedulerJob {
  std::string name;       // "slurm"
  std::string job_id;     // SLURM_JOB_ID
  std::string step_id;    // SLURM_STEP_ID; "" in the batch script itself (no step)
  std::string nodes;      // the job's node list as the scheduler writes it: "node[01-03]"
  std::string cluster;    // SLURM_CLUSTER_NAME; "" when unset
  std::string partition;  // SLURM_JOB_PARTITION; "" when unset
};

// An `aicert run` under mpirun: rank 0 gathers every rank's inventory, one per host.
struct JobInfo {
  int ranks = 0;
  std::vector<JobHost> hosts;      // the reporting host first, then in order of first rank
};

struct Report {
  int schema_version = kReportSchemaVersion;
  std::string report_id;           // random UUID
  std::string tool_version;
  std::string git_revision;
  std::string created_utc;         // ISO 8601
  std::string command_line;
  std::optional<ProfileIdentity> profile;
  Inventory inventory;
  std::optional<SchedulerJob> scheduler;  // present when run inside a scheduler's job (Slurm)
  std::optional<JobInfo> job;      // present in the report of an MPI job
  std::vector<CaseResult> cases;
  ReportSummary summary;
  std::optional<Certification> certification;
  // What the file's <integrity> said when it was read (read_report_xml); none for a report made
  // in memory. Not written: the writer records a fresh digest.
  std::optional<IntegrityStatus> integrity;
};

// Counts the verdicts of report.cases into a summary.
ReportSummary summarize(const std::vector<CaseResult>& cases);

}  // namespace aicert
