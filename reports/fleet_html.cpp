// The fleet page: verdict and outliers, status and system differences, the cross-hardware
// table, per group a strip plot of its members (outliers red and labelled), notes and machines.
// Sized for a fleet of a thousand machines: plots show points, only outliers carry labels, and
// long lists stop with a count of what was left out. The analysis may come from any reports, so
// every index is checked and non-finite numbers are left out of plots.
#include "reports/fleet_html.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "reports/html_common.h"
#include "workloads/workload_registry.h"

namespace aicert {

namespace {

constexpr std::size_t kMaxListed = 100;     // outliers named in the verdict
constexpr std::size_t kMaxTableRows = 500;  // status differences, flagged members per group
constexpr std::size_t kMaxGroups = 40;      // groups plotted
constexpr std::size_t kMaxPlotLabels = 20;  // outliers labelled in one plot
constexpr std::size_t kFoldAbove = 60;      // longer machine tables are folded (<details>)
constexpr std::size_t kEnds = 20;           // the best and worst machines shown unfolded

constexpr const char* kExtraStyle = R"(
.outliers li{margin:.25em 0}.small{color:#5f6368;font-size:12px}
.slower,.faster,.status{color:#d93025;font-weight:600}
)";

// Lookups that survive an index out of range (an empty record instead).
const FleetDevice& device_at(const FleetAnalysis& a, int i) {
  static const FleetDevice none;
  return i >= 0 && static_cast<std::size_t>(i) < a.devices.size() ? a.devices[i] : none;
}
const FleetMachine& machine_at(const FleetAnalysis& a, int i) {
  static const FleetMachine none;
  return i >= 0 && static_cast<std::size_t>(i) < a.machines.size() ? a.machines[i] : none;
}
const FleetGroup* group_at(const FleetAnalysis& a, int i) {
  return i >= 0 && static_cast<std::size_t>(i) < a.groups.size() ? &a.groups[i] : nullptr;
}
const FleetMember* member_at(const FleetGroup* g, int i) {
  return g && i >= 0 && static_cast<std::size_t>(i) < g->members.size() ? &g->members[i] : nullptr;
}

std::string_view flag_name(FleetFlag f) {
  switch (f) {
    case FleetFlag::slower:
      return "slower";
    case FleetFlag::faster:
      return "faster";
    case FleetFlag::too_few_members:
      return "too few members";
    case FleetFlag::none:
      break;
  }
  return "";
}

bool is_outlier(const FleetMember& m) {
  return m.flag == FleetFlag::slower || m.flag == FleetFlag::faster;
}
bool flagged(const FleetMember& m) { return is_outlier(m) || m.status_differs; }

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string pci_text(const FleetDevice& d) {
  return d.pci_bus_id.empty() ? "PCI unknown" : "PCI " + d.pci_bus_id;
}

// "15.2% slower than the fleet median (z = 8.1, own noise 0.4%)"
std::string deviation_text(const FleetMember& m) {
  return num(std::fabs(m.delta_pct), "%.1f%%") +
         (m.flag == FleetFlag::faster ? " faster" : " slower") +
         " than the fleet median (z = " + num(m.z, "%.1f") + ", own noise " +
         num(m.noise_pct, "%.1f%%") + ")";
}

std::string verdict_of(const FleetMember& m) {
  return m.result ? std::string(verdict_name(m.result->verdict)) : "";
}

// The headline column a group's figure goes to ("" when none or unknown).
std::string headline_of(const FleetGroup& g) {
  for (const FleetMember& m : g.members) {
    if (m.result) return workload_of(m.result->spec.spec).headline(m.result->spec.spec);
  }
  return "";
}

// Flagged groups first, then those of a headline column; at most kMaxGroups.
std::vector<int> groups_to_plot(const FleetAnalysis& a, std::size_t& left_out) {
  const std::set<std::string> columns(a.headlines.columns.begin(), a.headlines.columns.end());
  std::vector<int> with_flags, headline;
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    const FleetGroup& g = a.groups[i];
    if (std::any_of(g.members.begin(), g.members.end(), flagged)) {
      with_flags.push_back(static_cast<int>(i));
    } else if (columns.count(headline_of(g))) {
      headline.push_back(static_cast<int>(i));
    }
  }
  with_flags.insert(with_flags.end(), headline.begin(), headline.end());
  left_out = with_flags.size() > kMaxGroups ? with_flags.size() - kMaxGroups : 0;
  if (left_out) with_flags.resize(kMaxGroups);
  return with_flags;
}

void verdict_section(std::ostringstream& h, const FleetAnalysis& a, const std::set<int>& plotted) {
  const int outliers = a.count(FleetFinding::Kind::slower) + a.count(FleetFinding::Kind::faster);
  const int status = a.count(FleetFinding::Kind::status);
  const bool bad = a.gate_fails();
  h << "<div class=\"verdict " << (bad ? "bad" : "good") << "\" id=\"verdict\"><strong>"
    << (bad ? "FLEET DIFFERS" : "FLEET CONSISTENT") << "</strong><br>"
    << plural(outliers, "outlier", "outliers") << ", "
    << plural(status, "status difference", "status differences") << " across "
    << plural(static_cast<int>(a.devices.size()), "device", "devices") << " of "
    << plural(static_cast<int>(a.machines.size()), "machine", "machines");
  if (!a.system.empty()) {
    h << "; "
      << plural(static_cast<int>(a.system.size()), "system difference", "system differences");
  }
  if (!a.untrusted.empty()) {
    h << "<br><strong>" << plural(static_cast<int>(a.untrusted.size()), "report", "reports")
      << " TAMPERED or without a digest</strong> (analysed all the same):<ul>";
    for (const auto& u : a.untrusted) h << "<li>" << html_escape(u) << "</li>";
    h << "</ul>";
  }
  std::size_t listed = 0;
  for (const FleetFinding& f : a.findings) {
    if (f.kind != FleetFinding::Kind::slower && f.kind != FleetFinding::Kind::faster) continue;
    if (listed++ == 0) h << "<ul class=\"outliers\">";
    if (listed > kMaxListed) continue;
    const FleetGroup* g = group_at(a, f.group);
    const FleetMember* m = member_at(g, f.member);
    h << "<li title=\"" << html_escape(f.text) << "\">";
    if (!m) {
      h << html_escape(f.text) << "</li>\n";
      continue;
    }
    const FleetDevice& d = device_at(a, m->device);
    h << "<strong>" << html_escape(d.label) << "</strong>";  // the label starts with the host
    // The label usually names the PCI bus id already.
    if (d.pci_bus_id.empty() || d.label.find(d.pci_bus_id) == std::string::npos) {
      h << " &middot; " << html_escape(pci_text(d));
    }
    h << " &middot; <code>" << html_escape(g->key) << "</code> on " << html_escape(g->hardware)
      << ": <span class=\"" << flag_name(m->flag) << "\">" << html_escape(deviation_text(*m))
      << "</span>";
    if (plotted.count(f.group)) h << " <a href=\"#g" << f.group << "\">plot</a>";
    h << "</li>\n";
  }
  if (listed > kMaxListed) {
    h << "<li>&hellip; and " << listed - kMaxListed << " more (the groups below list them)</li>";
  }
  if (listed) h << "</ul>";
  h << "</div>\n";
}

void status_section(std::ostringstream& h, const FleetAnalysis& a) {
  h << "<h2>Status differences</h2>";
  std::size_t rows = 0;
  for (const FleetFinding& f : a.findings) {
    if (f.kind != FleetFinding::Kind::status) continue;
    if (rows++ == 0) {
      h << "<table><tr><th>host</th><th>device</th><th>PCI bus id</th><th>case</th>"
           "<th>verdict</th><th>fleet&#39;s verdict</th><th>reason</th></tr>\n";
    }
    if (rows > kMaxTableRows) continue;
    const FleetGroup* g = group_at(a, f.group);
    const FleetMember* m = member_at(g, f.member);
    if (!m) {
      h << "<tr><td colspan=\"7\">" << html_escape(f.text) << "</td></tr>\n";
      continue;
    }
    const FleetDevice& d = device_at(a, m->device);
    const std::string v = verdict_of(*m), fleet_v(verdict_name(g->status));
    h << "<tr><td>" << html_escape(machine_at(a, d.machine).name) << "</td><td>"
      << html_escape(d.label) << "</td><td><code>" << html_escape(d.pci_bus_id)
      << "</code></td><td><code>" << html_escape(g->key) << "</code> on "
      << html_escape(g->hardware) << "</td><td class=\"" << css_class(v) << "\">" << html_escape(v)
      << "</td><td class=\"" << css_class(fleet_v) << "\">" << html_escape(fleet_v) << "</td><td>"
      << (m->result ? html_escape(m->result->reason) : "") << "</td></tr>\n";
  }
  if (rows == 0) h << "<p>none</p>";
  if (rows > kMaxTableRows) {
    h << "<tr><td colspan=\"7\">&hellip; and " << rows - kMaxTableRows << " more</td></tr>";
  }
  if (rows) h << "</table>\n";
}

void system_section(std::ostringstream& h, const FleetAnalysis& a) {
  h << "<h2>System differences</h2><p class=\"small\">Each machine against the majority of "
       "the machines of its platform.</p>";
  if (a.system.empty()) {
    h << "<p>none</p>\n";
    return;
  }
  h << "<table><tr><th>machine</th><th>platform</th><th>what</th><th>value</th>"
       "<th>fleet&#39;s value</th></tr>\n";
  for (const SystemDifference& s : a.system) {
    const FleetMachine& m = machine_at(a, s.machine);
    h << "<tr><td>" << html_escape(m.hostname) << " <code>" << html_escape(m.machine_id)
      << "</code></td><td>" << html_escape(m.platform) << "</td><td>" << html_escape(s.what)
      << "</td><td>" << html_escape(s.value) << "</td><td>" << html_escape(s.fleet_value)
      << "</td></tr>\n";
  }
  h << "</table>\n";
}

// The rows [from, to) of the cross-hardware table, the column's best value in bold.
void headline_rows(std::ostringstream& h, const FleetAnalysis& a, const std::vector<double>& best,
                   std::size_t from, std::size_t to) {
  const HeadlineTable& t = a.headlines;
  for (std::size_t i = from; i < to; ++i) {
    const HeadlineRow& r = t.rows[i];
    const FleetMachine& m = machine_at(a, r.machine);
    h << "<tr><td class=\"num\">" << r.rank << "</td><td>" << html_escape(m.hostname) << " <code>"
      << html_escape(m.machine_id) << "</code></td><td>" << html_escape(m.platform) << "</td>";
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      h << "<td class=\"num\">";
      if (c < r.values.size() && r.values[c]) {
        const double v = *r.values[c];
        const bool top = best[c] > 0 && v == best[c];
        h << (top ? "<strong>" : "") << num(v, "%.1f") << (top ? "</strong>" : "");
      }
      h << "</td>";
    }
    h << "<td class=\"num\">" << num(r.score, "%.3f") << "</td></tr>\n";
  }
}

// Ranked, best first. A large fleet shows its best and worst machines, all of them folded.
void headline_section(std::ostringstream& h, const FleetAnalysis& a) {
  const HeadlineTable& t = a.headlines;
  h << "<h2>Across hardware</h2>";
  if (t.columns.empty() || t.rows.empty()) {
    h << "<p>no headline figures</p>\n";
    return;
  }
  h << "<p class=\"small\">Per machine the best passing figure of each headline; score: the "
       "geometric mean of value / the column&#39;s best over the machine&#39;s columns. The "
       "column&#39;s best in bold.</p>";
  std::string head = "<table><tr><th>rank</th><th>machine</th><th>platform</th>";
  std::vector<double> best(t.columns.size(), 0);
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    head += "<th>" + html_escape(t.columns[c]);
    if (c < t.units.size()) head += " (" + html_escape(t.units[c]) + ")";
    head += "</th>";
    for (const HeadlineRow& r : t.rows) {
      if (c < r.values.size() && r.values[c] && std::isfinite(*r.values[c])) {
        best[c] = std::max(best[c], *r.values[c]);
      }
    }
  }
  head += "<th>score</th></tr>\n";
  const std::size_t n = t.rows.size();
  h << head;
  if (n <= kFoldAbove) {
    headline_rows(h, a, best, 0, n);
    h << "</table>\n";
    return;
  }
  headline_rows(h, a, best, 0, kEnds);
  h << "<tr><td colspan=\"" << t.columns.size() + 4 << "\">&hellip; " << n - 2 * kEnds
    << " machines between</td></tr>\n";
  headline_rows(h, a, best, n - kEnds, n);
  h << "</table>\n<details><summary>all " << n << " machines</summary>" << head;
  headline_rows(h, a, best, 0, n);
  h << "</table></details>\n";
}

// An axis label: whole numbers for figures in the thousands ("137570", not "1.376e+05").
std::string tick_text(double v) {
  return std::fabs(v) >= 1000 && std::fabs(v) < 1e12 ? num(v, "%.0f") : num(v, "%.4g");
}

// One group: its members' figures (or median times) as points on one axis, the median as a
// line, outliers red with their label, members whose verdict differs orange.
void strip_plot(std::ostringstream& h, const FleetAnalysis& a, const FleetGroup& g) {
  bool by_figure = false;
  if (!g.unit.empty()) {
    for (const FleetMember& m : g.members) by_figure |= std::isfinite(m.figure) && m.figure > 0;
  }
  auto value = [&](const FleetMember& m) { return by_figure ? m.figure : m.median_ms; };
  // Only positive finite values are placed: an infinite or NaN one has no position.
  std::vector<double> values;
  for (const FleetMember& m : g.members) {
    const double v = value(m);
    if (std::isfinite(v) && v > 0) values.push_back(v);
  }
  if (values.empty()) {
    h << "<p class=\"small\">no timed members to plot</p>\n";
    return;
  }
  const std::size_t unplaced = g.members.size() - values.size();
  const double median =
      !by_figure && std::isfinite(g.median_ms) && g.median_ms > 0 ? g.median_ms : median_of(values);
  const double lo = std::min(*std::min_element(values.begin(), values.end()), median),
               hi = std::max(*std::max_element(values.begin(), values.end()), median);
  double from = lo - 0.05 * (hi - lo), span = 1.1 * (hi - lo);
  if (!(span > 0) || !std::isfinite(span) || !std::isfinite(from)) {  // one value, or huge ones
    from = 0.9 * lo;
    span = 0.2 * lo;
  }
  if (!(span > 0) || !std::isfinite(span)) span = 0;  // then every point sits in the middle
  const int left = 50, plot_w = 860, width = left + plot_w + 50, top = 24, band = 44;
  const int axis_y = top + band, label_top = axis_y + 30;
  auto x_of = [&](double v) {
    const double x = span > 0 ? left + plot_w * (v - from) / span : left + plot_w / 2.0;
    return std::isfinite(x) ? std::clamp(x, double(left), double(left + plot_w))
                            : left + plot_w / 2.0;
  };
  std::vector<const FleetMember*> outliers;
  for (const FleetMember& m : g.members) {
    if (is_outlier(m) && std::isfinite(value(m)) && value(m) > 0) outliers.push_back(&m);
  }
  const std::size_t labelled = std::min(outliers.size(), kMaxPlotLabels);
  const int label_rows = static_cast<int>(std::min<std::size_t>(labelled, 4));
  const int height = label_top + 14 * label_rows + 8;
  const std::string axis = by_figure ? g.unit + ", higher is better" : "median ms, lower is better";
  h << "<svg role=\"img\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 "
    << width << " " << height << "\" font-family=\"system-ui,sans-serif\" font-size=\"11\"><title>"
    << html_escape(g.key + " on " + g.hardware + ": " + axis) << "</title><text x=\"0\" y=\"14\">"
    << html_escape(axis) << "; " << plural(static_cast<int>(values.size()), "member", "members")
    << " placed";
  if (unplaced) h << ", " << unplaced << " without a finite value";
  h << "</text>\n<line x1=\"" << left << "\" y1=\"" << axis_y << "\" x2=\"" << left + plot_w
    << "\" y2=\"" << axis_y << "\" stroke=\"#999\"/>";
  for (int i = 0; i <= 4; ++i) {
    const double v = from + span * i / 4;
    const double x = left + plot_w * i / 4.0;
    h << "<line x1=\"" << num(x, "%.1f") << "\" y1=\"" << axis_y << "\" x2=\"" << num(x, "%.1f")
      << "\" y2=\"" << axis_y + 4 << "\" stroke=\"#999\"/><text x=\"" << num(x, "%.1f") << "\" y=\""
      << axis_y + 16 << "\" text-anchor=\"middle\">" << tick_text(v) << "</text>";
  }
  const double mx = x_of(median);
  h << "\n<line x1=\"" << num(mx, "%.1f") << "\" y1=\"" << top << "\" x2=\"" << num(mx, "%.1f")
    << "\" y2=\"" << axis_y << "\" stroke=\"#188038\" stroke-width=\"2\"><title>median "
    << num(median) << "</title></line>\n<g fill=\"" << kChartColours[0]
    << "\" fill-opacity=\".45\">";
  // A fixed vertical jitter by index, so that many equal values still show as many points.
  const int mid = top + band / 2;
  for (std::size_t i = 0; i < g.members.size(); ++i) {
    const FleetMember& m = g.members[i];
    const double v = value(m);
    if (!std::isfinite(v) || !(v > 0) || is_outlier(m) || m.status_differs) continue;
    h << "<circle cx=\"" << num(x_of(v), "%.1f") << "\" cy=\""
      << mid + static_cast<int>(i * 7919 % 29) - 14 << "\" r=\"3\"/>";
  }
  h << "</g>\n";
  // Members whose verdict differs (not outliers): on top, orange, named in their tooltip.
  for (const FleetMember& m : g.members) {
    const double v = value(m);
    if (!std::isfinite(v) || !(v > 0) || is_outlier(m) || !m.status_differs) continue;
    h << "<circle cx=\"" << num(x_of(v), "%.1f") << "\" cy=\"" << mid
      << "\" r=\"4\" fill=\"#f9ab00\"><title>" << html_escape(device_at(a, m.device).label) << ": "
      << html_escape(verdict_of(m)) << ", the fleet " << html_escape(verdict_name(g.status))
      << "</title></circle>";
  }
  h << "\n";
  for (std::size_t i = 0; i < outliers.size(); ++i) {
    const FleetMember& m = *outliers[i];
    const FleetDevice& d = device_at(a, m.device);
    const double x = x_of(value(m));
    h << "<circle cx=\"" << num(x, "%.1f") << "\" cy=\"" << mid << "\" r=\"5\" fill=\"#d93025\""
      << (m.status_differs ? " stroke=\"#f9ab00\" stroke-width=\"2\"" : "") << "><title>"
      << html_escape(d.label + ": " + deviation_text(m)) << "</title></circle>";
    if (i < labelled) {
      const int y = label_top + 14 * static_cast<int>(i % 4);
      const bool right_half = x > left + plot_w / 2.0;
      h << "<line x1=\"" << num(x, "%.1f") << "\" y1=\"" << mid + 5 << "\" x2=\"" << num(x, "%.1f")
        << "\" y2=\"" << y - 9 << "\" stroke=\"#d93025\" stroke-opacity=\".5\"/><text x=\""
        << num(x, "%.1f") << "\" y=\"" << y << "\" fill=\"#d93025\" text-anchor=\""
        << (right_half ? "end" : "start") << "\">" << html_escape(d.label) << " "
        << num(m.delta_pct, "%+.1f%%") << "</text>";
    }
    h << "\n";
  }
  h << "</svg>\n";
  if (labelled < outliers.size()) {
    h << "<p class=\"small\">" << labelled << " of " << outliers.size()
      << " outliers labelled; the table lists them all.</p>\n";
  }
}

void flagged_table(std::ostringstream& h, const FleetAnalysis& a, const FleetGroup& g) {
  std::size_t rows = 0;
  for (const FleetMember& m : g.members) {
    if (!flagged(m)) continue;
    if (rows++ == 0) {
      h << "<table><tr><th>device</th><th>PCI bus id</th><th>finding</th><th>verdict</th>"
           "<th>median ms</th><th>"
        << html_escape(g.unit.empty() ? "figure" : g.unit)
        << "</th><th>&Delta; time</th><th>z</th><th>own noise</th></tr>\n";
    }
    if (rows > kMaxTableRows) continue;
    const FleetDevice& d = device_at(a, m.device);
    const std::string v = verdict_of(m);
    std::string finding(flag_name(m.flag));
    if (m.status_differs) finding += std::string(finding.empty() ? "" : ", ") + "status";
    h << "<tr><td>" << html_escape(d.label) << "</td><td><code>" << html_escape(d.pci_bus_id)
      << "</code></td><td class=\"" << css_class(flag_name(m.flag)) << "\">" << html_escape(finding)
      << "</td><td class=\"" << css_class(v) << "\">" << html_escape(v) << "</td><td class=\"num\">"
      << num(m.median_ms) << "</td><td class=\"num\">" << num(m.figure, "%.1f")
      << "</td><td class=\"num\">" << num(m.delta_pct, "%+.1f%%") << "</td><td class=\"num\">"
      << num(m.z, "%.1f") << "</td><td class=\"num\">" << num(m.noise_pct, "%.1f%%")
      << "</td></tr>\n";
  }
  if (rows > kMaxTableRows) {
    h << "<tr><td colspan=\"9\">&hellip; and " << rows - kMaxTableRows << " more</td></tr>";
  }
  if (rows) h << "</table>\n";
}

void groups_section(std::ostringstream& h, const FleetAnalysis& a, const std::vector<int>& plot,
                    std::size_t left_out) {
  h << "<h2>Groups</h2><p class=\"small\">"
    << plural(static_cast<int>(a.groups.size()), "group", "groups")
    << " (what ran, on which hardware); shown: those with a finding, then those of a "
       "headline column";
  if (left_out) h << ", the first " << plot.size() << " (" << left_out << " more not shown)";
  h << ". Points: members; green line: the group&#39;s median; red: outliers; orange: a "
       "verdict other than the fleet&#39;s.</p>\n";
  for (const int index : plot) {
    const FleetGroup& g = a.groups[index];
    h << "<h3 id=\"g" << index << "\"><code>" << html_escape(g.key) << "</code> on "
      << html_escape(g.hardware) << "</h3><p class=\"small\">"
      << plural(static_cast<int>(g.members.size()), "member", "members") << ", " << g.timed
      << " timed; median " << num(g.median_ms) << " ms, MAD " << num(g.mad_ms)
      << " ms; fleet&#39;s verdict " << html_escape(verdict_name(g.status));
    if (g.timed < a.options.min_members) {
      h << "; not judged (fewer than " << a.options.min_members << " timed members)";
    }
    h << "</p>\n";
    strip_plot(h, a, g);
    flagged_table(h, a, g);
  }
}

void machines_section(std::ostringstream& h, const FleetAnalysis& a) {
  if (!a.notes.empty()) {
    h << "<h2>Notes</h2><ul>";
    for (const std::string& n : a.notes) h << "<li>" << html_escape(n) << "</li>";
    h << "</ul>\n";
  }
  h << "<h2>Machines (" << a.machines.size() << ")</h2>";
  const bool fold = a.machines.size() > kFoldAbove;
  if (fold) h << "<details><summary>all " << a.machines.size() << " machines</summary>";
  h << "<table><tr><th>machine id</th><th>host</th><th>platform</th><th>report</th>"
       "<th>superseded reports</th></tr>\n";
  for (const FleetMachine& m : a.machines) {
    std::string superseded;
    for (const std::string& s : m.superseded) superseded += (superseded.empty() ? "" : ", ") + s;
    h << "<tr><td><code>" << html_escape(m.machine_id) << "</code></td><td>"
      << html_escape(m.hostname) << "</td><td>" << html_escape(m.platform) << "</td><td><code>"
      << html_escape(m.source) << "</code></td><td>" << html_escape(superseded) << "</td></tr>\n";
  }
  h << "</table>" << (fold ? "</details>" : "") << "\n";
}

}  // namespace

std::string fleet_html(const FleetAnalysis& a) {
  std::ostringstream h;
  page_start(h,
             "aicert fleet: " + plural(static_cast<int>(a.machines.size()), "machine", "machines"),
             kExtraStyle);
  h << "<h1>aicert fleet</h1>\n<p>"
    << plural(static_cast<int>(a.machines.size()), "machine", "machines") << ", "
    << plural(static_cast<int>(a.devices.size()), "device", "devices") << ", "
    << plural(static_cast<int>(a.groups.size()), "group", "groups")
    << ". An outlier is slower or faster "
    << "than its group&#39;s median time by more than " << num(a.options.threshold_pct) << "%, "
    << "beyond a robust z of " << num(a.options.z_limit) << " and by more than "
    << num(a.options.noise_factor) << "&times; its own noise; groups of fewer than "
    << a.options.min_members << " timed members are not judged.</p>\n";
  std::size_t left_out = 0;
  const std::vector<int> plot = groups_to_plot(a, left_out);
  verdict_section(h, a, std::set<int>(plot.begin(), plot.end()));
  status_section(h, a);
  system_section(h, a);
  headline_section(h, a);
  groups_section(h, a, plot, left_out);
  machines_section(h, a);
  h << "</body></html>\n";
  return h.str();
}

}  // namespace aicert
