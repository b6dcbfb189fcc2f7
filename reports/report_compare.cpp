// Case-by-case comparison of two reports; see report_compare.h.
#include "reports/report_compare.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "reports/implementation_family.h"
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

namespace {

// The cases of a report by key, in the report's order; the first of a key in same-hardware mode
// (the same case in two tests of a profile), the median-time device across hardware.
struct KeyedCases {
  std::vector<std::string> order;
  std::map<std::string, const CaseResult*> by_key;
  std::map<std::string, std::string> note;  // why this device stands for the key
};

KeyedCases keyed_cases(const Report& r, bool across) {
  KeyedCases k;
  std::map<std::string, std::vector<const CaseResult*>> all;
  for (const auto& c : r.cases) {
    const std::string key = across ? cross_hardware_key(c) : comparison_key(c);
    auto& list = all[key];
    if (list.empty()) k.order.push_back(key);
    // Across hardware, one case per device counts: a profile's duplicate tests do not.
    const bool same_device = std::any_of(list.begin(), list.end(), [&](const CaseResult* x) {
      return x->backend == c.backend && x->device == c.device && x->impl == c.impl;
    });
    if (!same_device) list.push_back(&c);
  }
  for (auto& [key, list] : all) {
    if (list.size() > 1) {
      std::stable_sort(list.begin(), list.end(), [](const CaseResult* a, const CaseResult* b) {
        const double ta = a->timing ? a->timing->median_ms : 0;
        const double tb = b->timing ? b->timing->median_ms : 0;
        return ta < tb;
      });
      const CaseResult* mid = list[(list.size() - 1) / 2];
      k.note[key] = std::to_string(list.size()) + " devices ran it; " + mid->backend +
                    std::to_string(mid->device) + " (" + mid->impl + "), the median time, stands for them";
    }
    k.by_key[key] = list[list.size() > 1 ? (list.size() - 1) / 2 : 0];
  }
  return k;
}

std::string device_column(const CaseResult& c) {
  return c.backend + std::to_string(c.device) + (c.device_name.empty() ? "" : " " + c.device_name);
}

}  // namespace

std::string cross_hardware_key(const CaseResult& c) {
  return std::string(workload_name(c.spec.spec)) + "/" + implementation_family(c.impl) + "/" +
         std::string(dtype_name(workload_dtype(c.spec.spec))) + "/" + workload_shape(c.spec.spec);
}

bool different_hardware(const Report& a, const Report& b) {
  if (a.inventory.dmi_product_name != b.inventory.dmi_product_name ||
      a.inventory.cpu_model != b.inventory.cpu_model) {
    return true;
  }
  // Per backend, the names of the devices its cases ran on; a backend only one side ran (a run
  // with --backend cpu against a full one) says nothing about the hardware.
  auto names = [](const Report& r) {
    std::map<std::string, std::set<std::string>> s;
    for (const auto& c : r.cases) s[c.backend].insert(c.device_name);
    return s;
  };
  const auto na = names(a), nb = names(b);
  for (const auto& [backend, devices] : na) {
    if (const auto it = nb.find(backend); it != nb.end() && it->second != devices) return true;
  }
  return false;
}

Comparison compare_reports(const Report& old_report, const Report& new_report, double threshold_pct,
                           double alpha, HardwareMatch match) {
  Comparison cmp;
  cmp.threshold_pct = threshold_pct;
  cmp.alpha = alpha;
  cmp.across_hardware = match == HardwareMatch::across ||
                        (match == HardwareMatch::automatic && different_hardware(old_report, new_report));
  cmp.system = system_diff(old_report, new_report);
  const KeyedCases before = keyed_cases(old_report, cmp.across_hardware);
  const KeyedCases after = keyed_cases(new_report, cmp.across_hardware);
  auto notes_of = [&](const std::string& key) {
    std::string s;
    for (const auto* k : {&before, &after}) {
      if (const auto it = k->note.find(key); it != k->note.end()) {
        s += (s.empty() ? "" : "; ") + std::string(k == &before ? "old: " : "new: ") + it->second;
      }
    }
    return s;
  };
  auto add_note = [](CaseComparison& x, const std::string& note) {
    if (!note.empty()) x.note += (x.note.empty() ? "" : "; ") + note;
  };

  for (const std::string& key : before.order) {
    CaseComparison x;
    x.key = key;
    const CaseResult& o = *before.by_key.at(key);
    x.old_case = &o;
    x.old_device = device_column(o);
    if (o.timing) x.old_median_ms = o.timing->median_ms;
    const auto it = after.by_key.find(key);
    if (it == after.by_key.end()) {
      x.change = ChangeClass::missing;
      add_note(x, notes_of(key));
      cmp.cases.push_back(x);
      continue;
    }
    const CaseResult& n = *it->second;
    x.new_case = &n;
    x.new_device = device_column(n);
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
    add_note(x, notes_of(key));
    cmp.cases.push_back(x);
  }
  for (const std::string& key : after.order) {
    if (before.by_key.contains(key)) continue;
    const CaseResult& n = *after.by_key.at(key);
    CaseComparison x;
    x.key = key;
    x.new_case = &n;
    x.new_device = device_column(n);
    x.change = ChangeClass::new_case;
    if (n.timing) x.new_median_ms = n.timing->median_ms;
    add_note(x, notes_of(key));
    cmp.cases.push_back(x);
  }
  return cmp;
}

}  // namespace aicert
