// The compatibility matrix a programme publishes: rows are hardware (the accelerators and the
// server model), columns software (OS release, kernel, backend runtimes), each cell the
// submissions certified on that combination, the best current one first. A submission that
// was withdrawn, whose profile was superseded or whose waivers have expired is still listed,
// marked, and no longer counts for its cell.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace aicert {

struct MatrixEntry {
  // From the programme's accept record.
  std::string digest, vendor, key, created;
  std::string profile_id, profile_version;
  std::string verdict, tier;  // "CERTIFIED", "silver"
  int tier_rank = -1;         // index of `tier` in its profile's tiers (lowest 0), -1 none
  std::string server, accelerators, os, kernel, runtimes;
  std::vector<std::string> backends;
  std::string waivers, waivers_expire;  // "W1 until 2026-12-31", earliest expiry date
  std::string report_link;              // href of the report's HTML, relative to the page
  // From the programme's later records.
  bool withdrawn = false;
  std::string withdrawn_reason, withdrawn_time;
  std::string superseded_by;  // "standard 2.0" when its profile was superseded
  // Set by build_compatibility_matrix: "current", "withdrawn", "superseded", "expired".
  std::string state;
  std::string state_note;
};

struct MatrixRow {
  std::string server, accelerators;
};
struct MatrixColumn {
  std::string os, kernel, runtimes;
};

struct MatrixCell {
  std::vector<MatrixEntry> entries;  // the best current one first, then newest first
  bool has_current = false;          // entries[0] is current
};

struct CompatibilityMatrix {
  std::string programme;
  std::string date;  // the day expiry is judged on, YYYY-MM-DD
  std::vector<MatrixRow> rows;        // sorted
  std::vector<MatrixColumn> columns;  // sorted
  std::map<std::pair<std::size_t, std::size_t>, MatrixCell> cells;  // (row, column)
  std::vector<std::string> vendors, backends;  // every one that appears, sorted
  int submissions = 0, current = 0;
  // The ledger it was published from: its last record's sha256 (anyone holding a published page
  // can tell a ledger re-chained after it) and how many records it had.
  std::string ledger_head;
  int ledger_records = 0;
};

CompatibilityMatrix build_compatibility_matrix(const std::string& programme,
                                               std::vector<MatrixEntry> entries,
                                               const std::string& date);

// The page: self-contained (inline CSS, no script, no request), filters by vendor and backend
// made of radio buttons and CSS alone, and a list of what no longer counts and why.
std::string compatibility_matrix_html(const CompatibilityMatrix& matrix);
// The same matrix as XML, for other tools.
std::string compatibility_matrix_xml(const CompatibilityMatrix& matrix);

}  // namespace aicert
