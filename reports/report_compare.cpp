// Case-by-case comparison of two reports; see report_compare.h.
#include "reports/report_compare.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "workloads/workload_registry.h"

namespace aicert {

namespace {

bool passing(Verdict v) { return v == Verdict::pass || v == Verdict::waived; }

void diff(std::vector<SystemChange>& out, const std::string& what, const std::string& a,
          const std::string& b) {
  if (a != b) out.push_back({what, a, b});
}

std::vector<SystemChange> system_diff(const Report& a, const Report& b) {
  std::vector<SystemChange> d;
  diff(d, "tool version", a.tool_version + " (" + a.git_revision + ")",
       b.tool_version + " (" + b.git_revision + ")");
  diff(d, "profile", a.profile ? a.profile->id + " " + a.profile->version : "none",
       b.profile ? b.profile->id + " " + b.profile->version : "none");
  diff(d, "host", a.inventory.hostname, b.inventory.hostname);
  diff(d, "OS", a.inventory.os_release, b.inventory.os_release);
  diff(d, "kernel", a.inventory.kernel, b.inventory.kernel);
  diff(d, "CPU", a.inventory.cpu_model, b.inventory.cpu_model);
  diff(d, "BIOS", a.inventory.dmi_bios_version, b.inventory.dmi_bios_version);
  std::map<std::string, std::pair<std::string, std::string>> backends;
  for (const auto& x : a.inventory.backends) {
    backends[x.name].first = x.available ? x.runtime_version : "unavailable: " + x.reason;
  }
  for (const auto& x : b.inventory.backends) {
    backends[x.name].second = x.available ? x.runtime_version : "unavailable: " + x.reason;
  }
  for (const auto& [name, v] : backends) diff(d, "backend " + name, v.first, v.second);
  std::map<std::string, std::pair<std::string, std::string>> devices;
  for (const auto& x : a.inventory.devices) {
    devices[x.backend + std::to_string(x.index)].first = x.name + ", driver " + x.driver_version;
  }
  for (const auto& x : b.inventory.devices) {
    devices[x.backend + std::to_string(x.index)].second = x.name + ", driver " + x.driver_version;
  }
  for (const auto& [key, v] : devices) diff(d, "device " + key, v.first, v.second);
  return d;
}

}  // namespace

std::string_view change_class_name(ChangeClass c) {
  switch (c) {
    case ChangeClass::regression:
      return "regression";
    case ChangeClass::improvement:
      return "improvement";
    case ChangeClass::no_change:
      return "no change";
    case ChangeClass::noisy:
      return "noisy";
    case ChangeClass::new_case:
      return "new";
    case ChangeClass::missing:
      return "missing";
    case ChangeClass::status_change:
      return "status change";
  }
  return "?";
}

int Comparison::count(ChangeClass c) const {
  return static_cast<int>(
      std::count_if(cases.begin(), cases.end(), [c](const auto& x) { return x.change == c; }));
}

bool Comparison::gate_fails() const {
  return count(ChangeClass::regression) > 0 || count(ChangeClass::status_change) > 0;
}

std::string comparison_key(const CaseResult& c) {
  return std::string(workload_name(c.spec.spec)) + "/" + c.backend + std::to_string(c.device) +
         "/" + c.impl + "/" + std::string(dtype_name(workload_dtype(c.spec.spec))) + "/" +
         workload_shape(c.spec.spec);
}

double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b) {
  // Only finite samples rank: a NaN compares unequal to itself (it would never end its run of
  // ties) and breaks the sort's ordering (a report read back may hold NaN or Inf samples).
  std::vector<std::pair<double, int>> all;
  for (double v : a) {
    if (std::isfinite(v)) all.emplace_back(v, 0);
  }
  const std::size_t n1 = all.size();
  for (double v : b) {
    if (std::isfinite(v)) all.emplace_back(v, 1);
  }
  const std::size_t n2 = all.size() - n1;
  if (n1 < 3 || n2 < 3) return 1.0;
  std::sort(all.begin(), all.end());
  const double n = static_cast<double>(n1 + n2);
  double rank_sum_a = 0, tie_term = 0;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double midrank = (static_cast<double>(i + j) + 1.0) / 2.0;  // ranks i+1 .. j
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    for (std::size_t k = i; k < j; ++k) {
      if (all[k].second == 0) rank_sum_a += midrank;
    }
    i = j;
  }
  const double u = rank_sum_a - static_cast<double>(n1) * (static_cast<double>(n1) + 1) / 2;
  const double mean = static_cast<double>(n1) * static_cast<double>(n2) / 2;
  const double var = static_cast<double>(n1) * static_cast<double>(n2) / 12.0 *
                     ((n + 1) - tie_term / (n * (n - 1)));
  if (var <= 0) return 1.0;  // every sample equal
  const double z = (std::fabs(u - mean) - 0.5) / std::sqrt(var);
  return std::min(1.0, std::erfc(std::max(z, 0.0) / std::sqrt(2.0)));
}

Comparison compare_reports(const Report& old_report, const Report& new_report, double threshold_pct,
                           double alpha) {
  Comparison cmp;
  cmp.threshold_pct = threshold_pct;
  cmp.alpha = alpha;
  cmp.system = system_diff(old_report, new_report);
  std::map<std::string, const CaseResult*> fresh;
  for (const auto& c : new_report.cases) fresh.emplace(comparison_key(c), &c);
  std::map<std::string, bool> seen;

  for (const auto& o : old_report.cases) {
    CaseComparison x;
    x.key = comparison_key(o);
    if (seen[x.key]) continue;  // the same case in two tests of a profile: compare once
    seen[x.key] = true;
    x.old_case = &o;
    const auto it = fresh.find(x.key);
    if (it == fresh.end()) {
      x.change = ChangeClass::missing;
      cmp.cases.push_back(x);
      continue;
    }
    const CaseResult& n = *it->second;
    x.new_case = &n;
    if (o.timing) x.old_median_ms = o.timing->median_ms;
    if (n.timing) x.new_median_ms = n.timing->median_ms;
    if (passing(o.verdict) != passing(n.verdict) ||
        (!passing(o.verdict) && o.verdict != n.verdict)) {
      x.change = ChangeClass::status_change;
      x.note = std::string(verdict_name(o.verdict)) + " -> " +
               std::string(verdict_name(n.verdict)) + (n.reason.empty() ? "" : ": " + n.reason);
    } else if (o.timing && n.timing && x.old_median_ms > 0) {
      x.delta_pct = 100 * (x.new_median_ms / x.old_median_ms - 1);
      x.p_value = mann_whitney_p(o.timing->samples_ms, n.timing->samples_ms);
      const bool testable = o.timing->samples_ms.size() >= 3 && n.timing->samples_ms.size() >= 3;
      if (!testable) x.note = "too few samples for a significance test: judged by the threshold";
      if (std::fabs(x.delta_pct) <= threshold_pct) {
        x.change = ChangeClass::no_change;
      } else if (!testable || x.p_value < alpha) {
        x.change = x.delta_pct > 0 ? ChangeClass::regression : ChangeClass::improvement;
      } else {
        x.change = ChangeClass::noisy;
        x.note = "beyond the threshold but not significant (p = " +
                 std::to_string(x.p_value).substr(0, 6) + ")";
      }
    }
    cmp.cases.push_back(x);
  }
  for (const auto& n : new_report.cases) {
    const std::string key = comparison_key(n);
    if (seen[key]) continue;
    seen[key] = true;
    CaseComparison x;
    x.key = key;
    x.new_case = &n;
    x.change = ChangeClass::new_case;
    if (n.timing) x.new_median_ms = n.timing->median_ms;
    cmp.cases.push_back(x);
  }
  return cmp;
}

}  // namespace aicert
