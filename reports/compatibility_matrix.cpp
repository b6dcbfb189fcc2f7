// Building the compatibility matrix from a programme's submissions; see compatibility_matrix.h.
#include "reports/compatibility_matrix.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace aicert {

namespace {

// Higher is better: a current CERTIFIED result at a higher tier, then the newest.
auto rank(const MatrixEntry& e) {
  return std::make_tuple(e.state == "current", e.verdict == "CERTIFIED", e.tier_rank, e.created);
}

}  // namespace

CompatibilityMatrix build_compatibility_matrix(const std::string& programme,
                                               std::vector<MatrixEntry> entries,
                                               const std::string& date) {
  CompatibilityMatrix m;
  m.programme = programme;
  m.date = date;
  std::set<std::pair<std::string, std::string>> rows;
  std::set<std::tuple<std::string, std::string, std::string>> columns;
  std::set<std::string> vendors, backends;
  for (MatrixEntry& e : entries) {
    if (e.withdrawn) {
      e.state = "withdrawn";
      e.state_note = "withdrawn on " + e.withdrawn_time.substr(0, 10) + ": " + e.withdrawn_reason;
    } else if (!e.superseded_by.empty()) {
      e.state = "superseded";
      e.state_note = "profile " + e.profile_id + " " + e.profile_version + " superseded by " +
                     e.superseded_by;
    } else if (!e.waivers_expire.empty() && e.waivers_expire < date) {
      e.state = "expired";
      e.state_note = "a waiver it relied on has expired (" + e.waivers + ")";
    } else {
      e.state = "current";
    }
    rows.insert({e.accelerators, e.server});
    columns.insert({e.os, e.kernel, e.runtimes});
    vendors.insert(e.vendor);
    backends.insert(e.backends.begin(), e.backends.end());
  }
  for (const auto& [acc, server] : rows) m.rows.push_back({server, acc});
  for (const auto& [os, kernel, runtimes] : columns) m.columns.push_back({os, kernel, runtimes});
  m.vendors.assign(vendors.begin(), vendors.end());
  m.backends.assign(backends.begin(), backends.end());
  for (MatrixEntry& e : entries) {
    const auto r = static_cast<std::size_t>(
        std::distance(rows.begin(), rows.find({e.accelerators, e.server})));
    const auto c = static_cast<std::size_t>(
        std::distance(columns.begin(), columns.find({e.os, e.kernel, e.runtimes})));
    ++m.submissions;
    if (e.state == "current") ++m.current;
    m.cells[{r, c}].entries.push_back(std::move(e));
  }
  for (auto& [where, cell] : m.cells) {
    std::stable_sort(cell.entries.begin(), cell.entries.end(),
                     [](const MatrixEntry& a, const MatrixEntry& b) { return rank(a) > rank(b); });
    cell.has_current = cell.entries.front().state == "current";
  }
  return m;
}

}  // namespace aicert
