// The report model: inventory, run identity and every case result, as written to report.xml.
#pragma once

#include <string>
#include <vector>

#include "reports/case_result.h"
#include "reports/inventory.h"

namespace aicert {

inline constexpr int kReportSchemaVersion = 1;

struct ReportSummary {
  int total = 0, passed = 0, failed = 0, skipped = 0, not_supported = 0, errors = 0;
  std::string verdict;             // "PASS" when nothing failed or errored, else "FAIL"
};

struct Report {
  int schema_version = kReportSchemaVersion;
  std::string report_id;           // random UUID
  std::string tool_version;
  std::string git_revision;
  std::string created_utc;         // ISO 8601
  std::string command_line;
  Inventory inventory;
  std::vector<CaseResult> cases;
  ReportSummary summary;
};

// Counts the verdicts of report.cases into a summary.
ReportSummary summarize(const std::vector<CaseResult>& cases);

}  // namespace aicert
