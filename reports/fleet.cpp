// The fleet analysis: machines from reports, devices from cases, groups by key and hardware,
// robust statistics per group, findings, system differences and the headline table. See fleet.h.
#include "reports/fleet.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "reports/redaction.h"
#include "reports/report_compare.h"
#include "workloads/workload_registry.h"

namespace aicert {

namespace {

constexpr double kMadToSigma = 1.4826;  // MAD of a normal distribution is 0.6745 sigma

std::string fmt(double v, const char* f) {
  char buf[48];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

bool known(const std::string& v) { return !v.empty() && v != kUnknown && v != kRedacted; }

// pass and waived are one status: a waiver is the profile's word, not the device's.
Verdict normalised(Verdict v) { return v == Verdict::waived ? Verdict::pass : v; }

// Lower is better, for breaking a tie in the fleet's status.
int badness(Verdict v) {
  switch (v) {
    case Verdict::pass:
    case Verdict::waived:
      return 0;
    case Verdict::not_supported:
      return 1;
    case Verdict::skip:
      return 2;
    case Verdict::fail:
      return 3;
    case Verdict::error:
      return 4;
    case Verdict::timeout:
      return 5;
    case Verdict::crash:
      return 6;
  }
  return 7;
}

std::string machine_id_of(const Report& r) {
  if (known(r.inventory.machine_id)) return r.inventory.machine_id;
  if (known(r.inventory.hostname)) return "host " + r.inventory.hostname;
  return "report " + r.report_id;  // a redacted report of an older version: its own machine
}

std::string machine_name(const FleetMachine& m) { return m.name; }

// Host names where they tell machines apart; cloned images often share one ("localhost",
// "ubuntu"), and then the machine id is added.
void name_machines(std::vector<FleetMachine>& machines) {
  std::map<std::string, int> uses;
  for (const auto& m : machines) {
    if (known(m.hostname)) ++uses[m.hostname];
  }
  for (auto& m : machines) {
    if (!known(m.hostname)) m.name = m.machine_id;
    else if (uses[m.hostname] > 1) m.name = m.hostname + " [" + m.machine_id + "]";
    else m.name = m.hostname;
  }
}

// The relative robust standard deviation of a case's own samples, in %.
double own_noise_pct(const TimingStats& t) {
  std::vector<double> s;
  for (double v : t.samples_ms) {
    if (std::isfinite(v)) s.push_back(v);
  }
  if (s.size() < 3) return std::isfinite(t.cv) ? 100 * t.cv : 0;
  const double m = median_of(s);
  return m > 0 ? 100 * kMadToSigma * mad_of(s, m) / m : 0;
}

// Machines from the inputs: one per machine id, its reports oldest first.
std::vector<FleetMachine> collect_machines(const std::vector<FleetInput>& inputs,
                                           std::vector<std::vector<int>>& reports_of,
                                           std::vector<std::string>& notes) {
  std::map<std::string, int> by_id;
  std::map<std::string, std::string> seen_report;  // report id -> source
  std::vector<FleetMachine> machines;
  for (int i = 0; i < static_cast<int>(inputs.size()); ++i) {
    const Report& r = inputs[i].report;
    if (!r.report_id.empty()) {
      const auto [it, fresh] = seen_report.emplace(r.report_id, inputs[i].source);
      if (!fresh) {
        notes.push_back(inputs[i].source + " is the same report as " + it->second +
                        " (report id " + r.report_id + "): counted once");
        continue;
      }
    }
    const std::string id = machine_id_of(r);
    const auto [it, fresh] = by_id.emplace(id, static_cast<int>(machines.size()));
    if (fresh) {
      FleetMachine m;
      m.machine_id = id;
      machines.push_back(m);
      reports_of.emplace_back();
    }
    reports_of[it->second].push_back(i);
  }
  for (std::size_t m = 0; m < machines.size(); ++m) {
    auto& list = reports_of[m];
    // ISO 8601 UTC times sort as text; equal times keep the order given.
    std::stable_sort(list.begin(), list.end(), [&](int a, int b) {
      return inputs[a].report.created_utc < inputs[b].report.created_utc;
    });
    const FleetInput& newest = inputs[list.back()];
    FleetMachine& fm = machines[m];
    fm.report = &newest.report;
    fm.source = newest.source;
    fm.hostname = newest.report.inventory.hostname;
    fm.platform = newest.report.inventory.dmi_product_name + " / " +
                  newest.report.inventory.cpu_model;
    for (std::size_t k = 0; k + 1 < list.size(); ++k) fm.superseded.push_back(inputs[list[k]].source);
  }
  name_machines(machines);
  for (const FleetMachine& fm : machines) {
    if (!fm.superseded.empty()) {
      notes.push_back("machine " + machine_name(fm) + ": " + std::to_string(fm.superseded.size() + 1) +
                      " reports of it merged; where they share a case, the newest (" + fm.source +
                      ") counts");
    }
  }
  return machines;
}

FleetDevice describe_device(const FleetAnalysis& a, int machine, const Inventory& inv,
                            const CaseResult& c) {
  FleetDevice d;
  d.machine = machine;
  d.backend = c.backend;
  d.index = c.device;
  d.name = c.device_name;
  for (const auto& x : inv.devices) {
    if (x.backend != c.backend || x.index != c.device) continue;
    if (d.name.empty()) d.name = x.name;
    if (known(x.pci_bus_id)) d.pci_bus_id = x.pci_bus_id;
    if (const auto u = x.properties.find("uuid"); u != x.properties.end() && known(u->second)) {
      d.uuid = u->second;
    }
  }
  if (d.name.empty()) d.name = c.backend;
  d.label = machine_name(a.machines[machine]) + " " + c.backend + std::to_string(c.device) +
            (d.pci_bus_id.empty() ? "" : " (" + d.pci_bus_id + ")");
  return d;
}

// Members into groups: every merged case of every machine.
void collect_groups(FleetAnalysis& a, const std::vector<FleetInput>& inputs,
                    const std::vector<std::vector<int>>& reports_of) {
  std::map<std::pair<std::string, std::string>, int> group_of;
  for (int m = 0; m < static_cast<int>(a.machines.size()); ++m) {
    // The merged cases of the machine: newest report last, so it overwrites.
    std::map<std::string, std::pair<const CaseResult*, const Inventory*>> merged;
    for (int i : reports_of[m]) {
      for (const auto& c : inputs[i].report.cases) {
        merged[comparison_key(c)] = {&c, &inputs[i].report.inventory};
      }
    }
    std::map<std::pair<std::string, int>, int> device_of;
    for (const auto& [key, entry] : merged) {
      const CaseResult& c = *entry.first;
      const auto [dev, fresh] =
          device_of.emplace(std::make_pair(c.backend, c.device), static_cast<int>(a.devices.size()));
      if (fresh) a.devices.push_back(describe_device(a, m, *entry.second, c));
      const FleetDevice& device = a.devices[dev->second];
      const std::string fkey = fleet_key(c);
      const auto [g, new_group] = group_of.emplace(std::make_pair(fkey, device.name),
                                                   static_cast<int>(a.groups.size()));
      if (new_group) {
        FleetGroup group;
        group.key = fkey;
        group.hardware = device.name;
        group.unit = std::string(figure_unit(workload_of(c.spec.spec).figure()));
        a.groups.push_back(group);
      }
      FleetMember member;
      member.device = dev->second;
      member.result = &c;
      if (c.timing && std::isfinite(c.timing->median_ms) && c.timing->median_ms > 0) {
        member.median_ms = c.timing->median_ms;
        member.noise_pct = own_noise_pct(*c.timing);
      }
      member.figure = case_figure(c);
      a.groups[g->second].members.push_back(member);
    }
  }
  std::sort(a.groups.begin(), a.groups.end(), [](const FleetGroup& x, const FleetGroup& y) {
    return std::tie(x.key, x.hardware) < std::tie(y.key, y.hardware);
  });
}

void judge_status(FleetGroup& g) {
  std::map<Verdict, int> count;
  for (const auto& m : g.members) ++count[normalised(m.result->verdict)];
  int best = -1;
  for (const auto& [v, n] : count) {
    if (n > best || (n == best && badness(v) < badness(g.status))) best = n, g.status = v;
  }
  for (auto& m : g.members) m.status_differs = normalised(m.result->verdict) != g.status;
}

void judge_times(FleetGroup& g, const FleetOptions& o) {
  std::vector<double> times;
  for (const auto& m : g.members) {
    if (m.median_ms > 0 && normalised(m.result->verdict) == Verdict::pass) times.push_back(m.median_ms);
  }
  g.timed = static_cast<int>(times.size());
  if (times.empty()) return;
  g.median_ms = median_of(times);
  g.mad_ms = mad_of(times, g.median_ms);
  // A floor under the spread: in a fleet of identical times any difference would be infinitely
  // far; the threshold and the member's own noise still decide then.
  const double sigma = std::max(kMadToSigma * g.mad_ms, 1e-9 * g.median_ms);
  for (auto& m : g.members) {
    if (!(m.median_ms > 0) || normalised(m.result->verdict) != Verdict::pass) continue;
    m.delta_pct = 100 * (m.median_ms / g.median_ms - 1);
    m.z = (m.median_ms - g.median_ms) / sigma;
    if (g.timed < o.min_members) {
      m.flag = FleetFlag::too_few_members;
    } else if (std::fabs(m.delta_pct) > o.threshold_pct && std::fabs(m.z) > o.z_limit &&
               std::fabs(m.delta_pct) > o.noise_factor * m.noise_pct) {
      m.flag = m.delta_pct > 0 ? FleetFlag::slower : FleetFlag::faster;
    }
  }
}

void add_findings(FleetAnalysis& a) {
  for (int gi = 0; gi < static_cast<int>(a.groups.size()); ++gi) {
    const FleetGroup& g = a.groups[gi];
    for (int mi = 0; mi < static_cast<int>(g.members.size()); ++mi) {
      const FleetMember& m = g.members[mi];
      const FleetDevice& d = a.devices[m.device];
      if (m.flag == FleetFlag::slower || m.flag == FleetFlag::faster) {
        FleetFinding f;
        f.kind = m.flag == FleetFlag::slower ? FleetFinding::Kind::slower : FleetFinding::Kind::faster;
        f.group = gi;
        f.member = mi;
        f.machine = d.machine;
        f.text = d.label + ": " + g.key + " on " + g.hardware + " " +
                 fmt(std::fabs(m.delta_pct), "%.1f") + "% " +
                 (m.delta_pct > 0 ? "slower" : "faster") + " than the fleet median of " +
                 std::to_string(g.timed) + " (" + fmt(m.median_ms, "%.4g") + " vs " +
                 fmt(g.median_ms, "%.4g") + " ms, z = " + fmt(m.z, "%.1f") +
                 ", its own noise " + fmt(m.noise_pct, "%.1f") + "%)";
        a.findings.push_back(f);
      }
      if (m.status_differs) {
        FleetFinding f;
        f.kind = FleetFinding::Kind::status;
        f.group = gi;
        f.member = mi;
        f.machine = d.machine;
        f.text = d.label + ": " + g.key + " on " + g.hardware + " is " +
                 std::string(verdict_name(m.result->verdict)) + ", the fleet's is " +
                 std::string(verdict_name(g.status)) +
                 (m.result->reason.empty() ? "" : ": " + m.result->reason);
        a.findings.push_back(f);
      }
    }
  }
}

// The system attributes of a machine that a fleet expects to agree within one platform.
std::map<std::string, std::string> system_attributes(const Report& r) {
  std::map<std::string, std::string> s;
  const Inventory& inv = r.inventory;
  s["OS"] = inv.os_release;
  s["kernel"] = inv.kernel;
  s["BIOS"] = inv.dmi_bios_vendor + " " + inv.dmi_bios_version + " " + inv.dmi_bios_date;
  if (!known(inv.dmi_bios_version)) s["BIOS"] = kUnknown;
  s["aicert"] = r.tool_version;
  for (const auto& b : inv.backends) {
    if (b.available) s["runtime " + b.name] = b.runtime_version;
  }
  for (const auto& d : inv.devices) {
    const std::string what = "driver " + d.backend + " " + d.name;
    if (!s.contains(what)) s[what] = d.driver_version;
  }
  return s;
}

void add_system_differences(FleetAnalysis& a) {
  std::map<std::string, std::vector<int>> platforms;
  for (int m = 0; m < static_cast<int>(a.machines.size()); ++m) {
    platforms[a.machines[m].platform].push_back(m);
  }
  for (const auto& [platform, machines] : platforms) {
    std::vector<std::map<std::string, std::string>> attrs;
    std::set<std::string> names;
    for (int m : machines) {
      attrs.push_back(system_attributes(*a.machines[m].report));
      for (const auto& [k, v] : attrs.back()) names.insert(k);
    }
    for (const std::string& what : names) {
      std::map<std::string, int> votes;
      int voters = 0;
      for (const auto& at : attrs) {
        const auto it = at.find(what);
        if (it != at.end() && known(it->second)) ++votes[it->second], ++voters;
      }
      // Only a strict majority is the fleet's value: in a split fleet nobody is the odd one.
      std::string fleet_value;
      for (const auto& [v, n] : votes) {
        if (2 * n > voters) fleet_value = v;
      }
      if (fleet_value.empty() || votes.size() < 2) continue;
      for (std::size_t k = 0; k < machines.size(); ++k) {
        const auto it = attrs[k].find(what);
        if (it == attrs[k].end() || !known(it->second) || it->second == fleet_value) continue;
        a.system.push_back({machines[k], what, it->second, fleet_value});
        FleetFinding f;
        f.kind = FleetFinding::Kind::system;
        f.machine = machines[k];
        f.text = "machine " + machine_name(a.machines[machines[k]]) + ": " + what + " " +
                 it->second + ", the fleet's (" + std::to_string(votes[fleet_value]) + " of " +
                 std::to_string(voters) + " " + platform + ") is " + fleet_value;
        a.findings.push_back(f);
      }
    }
  }
}

// Per machine and headline column: the best passing figure of each device, the median over the
// devices of a backend (a typical device; the straggler is the outliers' business), the best
// backend.
void build_headlines(FleetAnalysis& a) {
  std::map<std::string, std::string> unit_of;
  // machine -> column -> backend -> device -> best figure
  std::map<int, std::map<std::string, std::map<std::string, std::map<int, double>>>> best;
  for (const auto& g : a.groups) {
    for (const auto& m : g.members) {
      const CaseResult& c = *m.result;
      if (normalised(c.verdict) != Verdict::pass || !std::isfinite(m.figure) || !(m.figure > 0)) {
        continue;
      }
      const Workload& w = workload_of(c.spec.spec);
      const std::string column = w.headline(c.spec.spec);
      if (column.empty()) continue;
      unit_of[column] = std::string(figure_unit(w.figure()));
      const FleetDevice& d = a.devices[m.device];
      double& v = best[d.machine][column][d.backend][m.device];
      v = std::max(v, m.figure);
    }
  }
  HeadlineTable& t = a.headlines;
  for (const auto& [column, unit] : unit_of) {
    t.columns.push_back(column);
    t.units.push_back(unit);
  }
  std::vector<double> column_best(t.columns.size(), 0);
  for (const auto& [machine, columns] : best) {
    HeadlineRow row;
    row.machine = machine;
    row.values.resize(t.columns.size());
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      const auto it = columns.find(t.columns[k]);
      if (it == columns.end()) continue;
      double value = 0;
      for (const auto& [backend, devices] : it->second) {
        std::vector<double> per_device;
        for (const auto& [dev, v] : devices) per_device.push_back(v);
        value = std::max(value, median_of(per_device));
      }
      row.values[k] = value;
      column_best[k] = std::max(column_best[k], value);
    }
    t.rows.push_back(row);
  }
  for (auto& row : t.rows) {
    double log_sum = 0;
    int n = 0;
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      if (row.values[k] && column_best[k] > 0) log_sum += std::log(*row.values[k] / column_best[k]), ++n;
    }
    row.score = n > 0 ? std::exp(log_sum / n) : 0;
  }
  std::stable_sort(t.rows.begin(), t.rows.end(),
                   [](const HeadlineRow& x, const HeadlineRow& y) { return x.score > y.score; });
  for (std::size_t k = 0; k < t.rows.size(); ++k) t.rows[k].rank = static_cast<int>(k) + 1;
}

}  // namespace

int FleetAnalysis::count(FleetFinding::Kind kind) const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [kind](const FleetFinding& f) { return f.kind == kind; }));
}

bool FleetAnalysis::gate_fails() const {
  return count(FleetFinding::Kind::slower) + count(FleetFinding::Kind::faster) +
             count(FleetFinding::Kind::status) > 0;
}

std::string fleet_key(const CaseResult& c) {
  return std::string(workload_name(c.spec.spec)) + "/" + c.impl + "/" +
         std::string(dtype_name(workload_dtype(c.spec.spec))) + "/" + workload_shape(c.spec.spec);
}

double median_of(std::vector<double> v) {
  std::erase_if(v, [](double x) { return !std::isfinite(x); });
  if (v.empty()) return 0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

double mad_of(const std::vector<double>& values, double median) {
  std::vector<double> dev;
  dev.reserve(values.size());
  for (double x : values) {
    if (std::isfinite(x)) dev.push_back(std::fabs(x - median));
  }
  return median_of(std::move(dev));
}

FleetAnalysis analyse_fleet(const std::vector<FleetInput>& inputs, const FleetOptions& options) {
  FleetAnalysis a;
  a.options = options;
  std::vector<std::vector<int>> reports_of;
  a.machines = collect_machines(inputs, reports_of, a.notes);
  for (const FleetInput& in : inputs) {
    if (in.report.integrity && !in.report.integrity->trustworthy()) {
      a.untrusted.push_back(in.source + ": " + in.report.integrity->text());
    }
  }
  collect_groups(a, inputs, reports_of);
  int small = 0;
  for (auto& g : a.groups) {
    judge_status(g);
    judge_times(g, options);
    if (g.timed > 0 && g.timed < options.min_members) ++small;
  }
  if (small > 0) {
    a.notes.push_back(std::to_string(small) + " of " + std::to_string(a.groups.size()) +
                      " groups have fewer than " + std::to_string(options.min_members) +
                      " timed members: their times are listed, not judged");
  }
  add_findings(a);
  add_system_differences(a);
  build_headlines(a);
  return a;
}

}  // namespace aicert
