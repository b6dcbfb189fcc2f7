// Self-contained HTML for people: the verdict first, failures before passes with their
// metrics against tolerance or threshold, the system, and per workload a table and an inline
// SVG chart. No script, no request to any host (a Content-Security-Policy forbids it), every
// text escaped.
#include "reports/html_report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "reports/atomic_file.h"
#include "reports/html_common.h"
#include "reports/roofline_html.h"
#include "workloads/workload_registry.h"

namespace aicert {

namespace {

bool failing(Verdict v) {
  return v == Verdict::fail || v == Verdict::crash || v == Verdict::timeout ||
         v == Verdict::error || v == Verdict::waived;
}

// What the check and the thresholds of a case found, against their limits.
std::string metrics_cell(const CaseResult& c) {
  std::string s;
  if (c.check) {
    const CheckResult& k = *c.check;
    s += "wrong " + std::to_string(k.wrong_count) + "/" + std::to_string(k.elements) + ", NaN " +
         std::to_string(k.nan_count) + ", Inf " + std::to_string(k.inf_count) + ", guard bytes " +
         std::to_string(k.guard_bytes_touched) + "; max abs err " + num(k.max_abs_error) +
         " (worst: " + num(k.worst_value) + " vs " + num(k.worst_reference) + ", bound " +
         num(k.worst_bound) + "); NMSE " + num(k.nmse) + "; tolerance c=" + num(k.tolerance.c) +
         " u_acc=" + num(k.tolerance.u_acc) + " u_out=" + num(k.tolerance.u_out) +
         " g=" + k.tolerance.g_formula + "=" + num(k.tolerance.g);
  }
  for (const auto& t : c.thresholds) {
    s += "; " + t.tier + " " + t.kind + ": " + t.description + ", measured " + num(t.measured) +
         " " + t.unit + " (" + t.status + ")";
  }
  if (c.roofline) {
    s += "; " + num(100 * c.roofline->fraction, "%.0f") + "% of roofline " +
         num(c.roofline->roofline_gflops) + " GFLOP/s (" + c.roofline->bound + "-bound, " +
         num(c.roofline->intensity) + " FLOP/B)";
  }
  if (c.nominal) {
    s += "; " + num(100 * c.nominal->fraction, "%.0f") + "% of nominal " +
         num(c.nominal->gflops) + " GFLOP/s (estimate: " + c.nominal->formula + ")";
  }
  if (!c.link_finding.empty()) {
    s += "; links: " + c.link_finding + " (";
    for (const LinkTiming& l : c.links) {
      s += (&l == &c.links.front() ? "" : ", ") + std::to_string(l.a) + "-" + std::to_string(l.b) +
           " " + num(l.gbps) + " GB/s";
    }
    s += ")";
  }
  if (c.consistency) {
    s += "; repeat-consistency " + std::to_string(c.consistency->mismatched_runs) + "/" +
         std::to_string(c.consistency->runs) + " runs differ";
  }
  if (c.telemetry) {
    const CaseTelemetry& t = *c.telemetry;
    s += "; telemetry (" + t.source + ", " + std::to_string(t.samples) + " samples)";
    const auto mhz = [](const std::optional<double>& v) { return v ? num(*v, "%.0f") : "?"; };
    if (t.core_mhz_min || t.core_mhz_median || t.core_mhz_max) {
      s += ": clock " + mhz(t.core_mhz_min) + "/" + mhz(t.core_mhz_median) + "/" +
           mhz(t.core_mhz_max) + " MHz (min/median/max)";
    }
    if (t.temp_c_max) s += ", up to " + num(*t.temp_c_max, "%.0f") + " °C";
    if (t.power_w) s += ", " + num(*t.power_w, "%.1f") + " W";
    if (t.gflop_per_j) s += ", " + num(*t.gflop_per_j, "%.2f") + " GFLOP/J";
    if (t.throttled) {
      s += ", THROTTLED";
      for (const std::string& why : t.throttle_reasons) s += " (" + why + ")";
    }
    for (const auto& [counter, growth] : t.errors_grown) {
      s += ", " + counter + " +" + num(growth, "%.0f");
    }
    if (!t.unknown.empty()) s += "; " + std::to_string(t.unknown.size()) + " unknown (see the XML)";
  }
  return s;
}

// One small line chart per telemetry series (clock, temperature, power over the timed part of
// the case), with the metric and its range as text: for cases that failed or were throttled.
std::string sparklines(const CaseTelemetry& t) {
  std::ostringstream h;
  constexpr double kW = 140, kH = 22;
  for (const CaseTelemetry::Series& s : t.series) {
    if (s.points.size() < 2) continue;
    double t0 = s.points.front().first, t1 = s.points.back().first;
    double lo = s.points.front().second, hi = lo;
    for (const auto& [time, v] : s.points) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (!(t1 > t0) || !std::isfinite(lo) || !std::isfinite(hi)) continue;
    std::string points;
    for (const auto& [time, v] : s.points) {
      const double x = (time - t0) / (t1 - t0) * kW;
      const double y = hi > lo ? kH - 2 - (v - lo) / (hi - lo) * (kH - 4) : kH / 2;
      points += num(x, "%.1f") + "," + num(y, "%.1f") + " ";
    }
    h << "<br><svg role=\"img\" class=\"spark\" width=\"" << kW << "\" height=\"" << kH
      << "\" viewBox=\"0 0 " << kW << " " << kH << "\"><title>" << html_escape(s.metric)
      << "</title><polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\""
      << points << "\"/></svg> " << html_escape(s.metric) << " " << num(lo, "%.0f") << "–"
      << num(hi, "%.0f");
  }
  return h.str();
}

void case_table(std::ostringstream& h, const std::vector<const CaseResult*>& cases,
                bool with_metrics) {
  h << "<table><tr><th>case</th><th>verdict</th><th>GFLOP/s</th><th>median ms</th><th>CV</th>"
    << (with_metrics ? "<th>reason and metrics</th>" : "") << "</tr>\n";
  for (const CaseResult* c : cases) {
    const std::string v(verdict_name(c->verdict));
    h << "<tr><td><code>" << html_escape(c->id) << "</code></td><td class=\"" << css_class(v)
      << "\">" << html_escape(v) << "</td><td class=\"num\">"
      << (c->timing ? num(c->gflops, "%.2f") : "") << "</td><td class=\"num\">"
      << (c->timing ? num(c->timing->median_ms) : "") << "</td><td class=\"num\">"
      << (c->timing ? num(100 * c->timing->cv, "%.1f%%") + (c->timing->noisy ? " noisy" : "") : "")
      << "</td>";
    if (with_metrics) {
      h << "<td>" << html_escape(c->reason) << (c->reason.empty() ? "" : "<br>")
        << html_escape(metrics_cell(*c));
      if (c->telemetry && (c->telemetry->throttled || failing(c->verdict))) {
        h << sparklines(*c->telemetry);
      }
      h << "</td>";
    }
    h << "</tr>\n";
  }
  h << "</table>\n";
}

// Horizontal bars, one per case, coloured by backend/implementation.
void throughput_chart(std::ostringstream& h, const std::string& title,
                      const std::vector<const CaseResult*>& cases) {
  std::vector<const CaseResult*> timed;
  for (const CaseResult* c : cases) {
    if (c->timing && c->verdict == Verdict::pass && std::isfinite(c->gflops)) timed.push_back(c);
  }
  if (timed.empty()) return;
  std::map<std::string, std::size_t> colour_of;
  for (const CaseResult* c : timed) colour_of.emplace(c->backend + " " + c->impl, colour_of.size());
  double max = 0;
  for (const CaseResult* c : timed) max = std::max(max, c->gflops);
  if (max <= 0) max = 1;
  const int label_w = 430, bar_w = 420, row = 16, top = 28;
  const int height =
      top + row * static_cast<int>(timed.size()) + 24 + 14 * static_cast<int>(colour_of.size());
  const int width = label_w + bar_w + 90;
  h << "<svg role=\"img\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 "
    << width << " " << height << "\" font-family=\"system-ui,sans-serif\" font-size=\"11\"><title>"
    << html_escape(title) << "</title><text x=\"0\" y=\"14\" font-size=\"13\" font-weight=\"600\">"
    << html_escape(title) << "</text>\n";
  int y = top;
  for (const CaseResult* c : timed) {
    const double w = bar_w * c->gflops / max;
    const std::string label = std::string(dtype_name(workload_dtype(c->spec.spec))) + " " +
                              workload_shape(c->spec.spec) + " " + c->impl + " (" + c->backend +
                              std::to_string(c->device) + ")";
    h << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 11 << "\" text-anchor=\"end\">"
      << html_escape(label) << "</text><rect x=\"" << label_w << "\" y=\"" << y + 2 << "\" width=\""
      << num(std::max(w, 1.0), "%.1f") << "\" height=\"" << row - 4 << "\" fill=\""
      << kChartColours[colour_of[c->backend + " " + c->impl] % 8] << "\"/><text x=\""
      << label_w + w + 4 << "\" y=\"" << y + 11 << "\">" << num(c->gflops, "%.1f") << "</text>\n";
    y += row;
  }
  y += 16;
  for (const auto& [name, index] : colour_of) {
    h << "<rect x=\"" << label_w << "\" y=\"" << y - 9 << "\" width=\"10\" height=\"10\" fill=\""
      << kChartColours[index % 8] << "\"/><text x=\"" << label_w + 14 << "\" y=\"" << y << "\">"
      << html_escape(name) << "</text>\n";
    y += 14;
  }
  h << "</svg>\n";
}

// Collectives: bus bandwidth against message size, one line per size series (op/dtype/ranks) and
// implementation,
// the size on a log2 axis.
void busbw_chart(std::ostringstream& h, const std::vector<const CaseResult*>& cases) {
  std::map<std::string, std::vector<std::pair<double, double>>> series;  // name -> (bytes, GB/s)
  double max_bw = 0, min_bytes = 1e300, max_bytes = 0;
  for (const CaseResult* c : cases) {
    // A report read back may hold any number: an infinite size would make the axis endless.
    if (!c->bandwidth || c->verdict != Verdict::pass || !(c->bandwidth->bytes > 0) ||
        !std::isfinite(c->bandwidth->bytes) || !std::isfinite(c->bandwidth->busbw_gbps)) {
      continue;
    }
    const std::string name = workload_of(c->spec.spec).size_series(c->spec.spec) + " " + c->impl;
    series[name].emplace_back(c->bandwidth->bytes, c->bandwidth->busbw_gbps);
    max_bw = std::max(max_bw, c->bandwidth->busbw_gbps);
    min_bytes = std::min(min_bytes, c->bandwidth->bytes);
    max_bytes = std::max(max_bytes, c->bandwidth->bytes);
  }
  if (series.empty()) return;
  if (max_bw <= 0) max_bw = 1;
  const double lo = std::floor(std::log2(min_bytes)),
               hi = std::max(lo + 1, std::ceil(std::log2(max_bytes)));
  const int left = 60, top = 30, plot_w = 640, plot_h = 300;
  const int legend_h = 14 * static_cast<int>(series.size());
  const int width = left + plot_w + 20, height = top + plot_h + 40 + legend_h;
  auto x_of = [&](double bytes) { return left + plot_w * (std::log2(bytes) - lo) / (hi - lo); };
  auto y_of = [&](double bw) { return top + plot_h * (1 - bw / max_bw); };
  h << "<svg role=\"img\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 "
    << width << " " << height << "\" font-family=\"system-ui,sans-serif\" font-size=\"11\">"
    << "<title>collective bus bandwidth against message size</title>"
    << "<text x=\"0\" y=\"14\" font-size=\"13\" font-weight=\"600\">collective busbw (GB/s) "
       "against message size (log scale)</text>\n"
    << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_w << "\" height=\""
    << plot_h << "\" fill=\"none\" stroke=\"#999\"/>\n";
  for (double e = lo; e <= hi; e += std::max(1.0, std::floor((hi - lo) / 8))) {
    const double bytes = std::exp2(e);
    const std::string label = bytes >= 1048576 ? num(bytes / 1048576, "%g") + " MiB"
                              : bytes >= 1024  ? num(bytes / 1024, "%g") + " KiB"
                                               : num(bytes, "%g") + " B";
    h << "<text x=\"" << num(x_of(bytes), "%.1f") << "\" y=\"" << top + plot_h + 14
      << "\" text-anchor=\"middle\">" << label << "</text>";
  }
  for (int i = 0; i <= 4; ++i) {
    const double bw = max_bw * i / 4;
    h << "<text x=\"" << left - 4 << "\" y=\"" << num(y_of(bw) + 4, "%.1f")
      << "\" text-anchor=\"end\">" << num(bw, "%.3g") << "</text>";
  }
  h << "\n";
  std::size_t index = 0;
  int legend_y = top + plot_h + 34;
  for (auto& [name, points] : series) {
    std::sort(points.begin(), points.end());
    const char* colour = kChartColours[index++ % 8];
    h << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.5\" points=\"";
    for (const auto& [bytes, bw] : points) {
      h << num(x_of(bytes), "%.1f") << "," << num(y_of(bw), "%.1f") << " ";
    }
    h << "\"/><rect x=\"" << left << "\" y=\"" << legend_y - 9
      << "\" width=\"10\" height=\"10\" fill=\"" << colour << "\"/><text x=\"" << left + 14
      << "\" y=\"" << legend_y << "\">" << html_escape(name) << "</text>\n";
    legend_y += 14;
  }
  h << "</svg>\n";
}

void system_section(std::ostringstream& h, const Inventory& inv) {
  h << "<h2>System</h2><table>"
    << "<tr><th>host</th><td>" << html_escape(inv.hostname) << "</td></tr>"
    << "<tr><th>OS, kernel</th><td>" << html_escape(inv.os_release) << ", "
    << html_escape(inv.kernel) << " (" << html_escape(inv.architecture) << ")</td></tr>"
    << "<tr><th>CPU</th><td>" << html_escape(inv.cpu_model) << ": " << inv.packages
    << " package(s), " << inv.cores << " cores, " << inv.pus << " PUs";
  if (!inv.cpu_features.empty()) {
    std::string f;
    for (const auto& x : inv.cpu_features) f += (f.empty() ? "" : " ") + x;
    h << "; " << html_escape(f);
  }
  h << "</td></tr><tr><th>memory</th><td>" << num(inv.total_memory_bytes / 1073741824.0, "%.1f")
    << " GiB in " << inv.numa_nodes.size() << " NUMA node(s)</td></tr>"
    << "<tr><th>system</th><td>" << html_escape(inv.dmi_sys_vendor) << " "
    << html_escape(inv.dmi_product_name) << ", BIOS " << html_escape(inv.dmi_bios_vendor) << " "
    << html_escape(inv.dmi_bios_version) << " (" << html_escape(inv.dmi_bios_date)
    << ")</td></tr></table>\n";
  h << "<h3>Backends</h3><table><tr><th>backend</th><th>status</th><th>runtime</th></tr>";
  for (const auto& b : inv.backends) {
    h << "<tr><td>" << html_escape(b.name) << "</td><td class=\""
      << (b.available ? "pass\">available"
                      : "not-supported\">unavailable: " + html_escape(b.reason))
      << "</td><td>" << html_escape(b.runtime_version) << "</td></tr>";
  }
  h << "</table>\n<h3>Devices</h3><table><tr><th>device</th><th>seen by</th><th>PCI</th>"
       "<th>driver</th><th>memory</th><th>compute units</th></tr>";
  // A device seen by two backends (a GPU through CUDA and OpenCL) shares its PCI bus id.
  std::map<std::string, std::vector<const BackendDeviceInfo*>> by_identity;
  std::vector<std::string> order;
  for (const auto& d : inv.devices) {
    const std::string key =
        d.pci_bus_id.empty() ? d.backend + std::to_string(d.index) : d.pci_bus_id;
    if (!by_identity.count(key)) order.push_back(key);
    by_identity[key].push_back(&d);
  }
  for (const auto& key : order) {
    const auto& group = by_identity[key];
    std::string seen;
    for (const auto* d : group)
      seen += (seen.empty() ? "" : ", ") + d->backend + std::to_string(d->index);
    const BackendDeviceInfo& d = *group.front();
    h << "<tr><td>" << html_escape(d.name) << "</td><td>" << html_escape(seen) << "</td><td>"
      << html_escape(d.pci_bus_id) << "</td><td>" << html_escape(d.driver_version)
      << "</td><td class=\"num\">" << num(d.memory_bytes / 1073741824.0, "%.1f")
      << " GiB</td><td class=\"num\">" << d.compute_units << "</td></tr>";
  }
  h << "</table>\n";
  if (inv.pci_devices.empty()) return;
  h << "<h3>PCI devices</h3><table><tr><th>bus</th><th>device</th><th>link</th>"
       "<th>OS devices</th></tr>";
  for (const auto& p : inv.pci_devices) {
    std::string link = p.link_speed;
    if (p.link_width != kUnknown) link += " x" + p.link_width;
    if (p.link_speed_gbps > 0) link += " (" + num(p.link_speed_gbps, "%.2f") + " GB/s)";
    std::string os;
    for (const auto& o : p.os_devices) {
      if (!os.empty()) os += ", ";
      os += o.type + " " + o.name;
      if (!o.subtype.empty()) os += " (" + o.subtype + ")";
    }
    h << "<tr><td><code>" << html_escape(p.bus_id) << "</code></td><td>"
      << html_escape(pci_device_label(p)) << "</td><td>" << html_escape(link) << "</td><td>"
      << html_escape(os) << "</td></tr>";
  }
  h << "</table>\n";
}

// The hosts of an MPI job, one row each: the reporting host is the System section above.
void job_section(std::ostringstream& h, const JobInfo& job, const Inventory& reporting) {
  h << "<h3>MPI job: " << job.ranks << " ranks on " << job.hosts.size()
    << " host(s)</h3><table><tr><th>host</th><th>ranks</th><th>CPU</th><th>memory</th>"
       "<th>OS, kernel</th><th>devices</th></tr>";
  for (const JobHost& host : job.hosts) {
    const Inventory& inv = host.inventory ? *host.inventory : reporting;
    std::string devices;
    for (const auto& d : inv.devices) {
      if (d.kind == "gpu" || d.kind == "accelerator") {
        devices +=
            (devices.empty() ? "" : ", ") + d.backend + std::to_string(d.index) + " " + d.name;
      }
    }
    h << "<tr><td>" << html_escape(host.hostname) << (host.inventory ? "" : " (reporting)")
      << "</td><td>" << html_escape(host.ranks) << "</td><td>" << html_escape(inv.cpu_model) << ", "
      << inv.cores << " cores</td><td class=\"num\">"
      << num(inv.total_memory_bytes / 1073741824.0, "%.1f") << " GiB</td><td>"
      << html_escape(inv.os_release) << ", " << html_escape(inv.kernel) << "</td><td>"
      << html_escape(devices.empty() ? "none" : devices) << "</td></tr>";
  }
  h << "</table>\n";
}

}  // namespace

std::string report_html(const Report& r) {
  std::ostringstream h;
  const std::string title =
      "aicert report " + (r.profile ? r.profile->id + " " : std::string()) + r.inventory.hostname;
  page_start(h, title);
  h << "<h1>" << html_escape(title) << "</h1>\n<p>Report <code>" << html_escape(r.report_id)
    << "</code>, " << html_escape(r.created_utc) << ", aicert " << html_escape(r.tool_version)
    << " (" << html_escape(r.git_revision) << ")";
  if (r.profile) {
    h << "; profile " << html_escape(r.profile->id) << " " << html_escape(r.profile->version)
      << " (policy " << html_escape(r.profile->policy_version) << ", sha256 <code>"
      << html_escape(r.profile->sha256.substr(0, 16)) << "</code>)";
  }
  h << "</p>\n";
  if (r.integrity) h << "<p>Integrity: " << html_escape(r.integrity->text()) << "</p>\n";

  const std::string verdict = r.certification ? r.certification->verdict : r.summary.verdict;
  const bool untrusted = r.integrity && !r.integrity->trustworthy();
  const bool good = !untrusted && (verdict == "CERTIFIED" || verdict == "PASS");
  h << "<div class=\"verdict "
    << (good                                    ? "good"
        : verdict == "INCOMPLETE" && !untrusted ? "warn"
                                                : "bad")
    << "\"><strong>" << html_escape(verdict) << "</strong>";
  if (untrusted) {
    // In the verdict box: what follows may not be what aicert wrote.
    h << "<br><strong>" << html_escape(r.integrity->state == IntegrityState::no_digest
                                           ? "NO DIGEST"
                                           : "TAMPERED")
      << "</strong>: " << html_escape(r.integrity->text());
  }
  if (r.certification && !r.certification->highest_tier.empty()) {
    h << " &mdash; highest tier met: <strong>" << html_escape(r.certification->highest_tier)
      << "</strong>";
  }
  h << "<br>" << r.summary.total << " cases: " << r.summary.passed << " passed, "
    << r.summary.failed << " failed, " << r.summary.errors << " errors, " << r.summary.not_supported
    << " not supported, " << r.summary.skipped << " skipped";
  if (r.certification) {
    h << "<ul>";
    for (const auto& t : r.certification->tiers) {
      h << "<li>tier " << html_escape(t.id) << ": "
        << (t.met ? "met" : "not met &mdash; " + html_escape(t.reason)) << "</li>";
    }
    for (const auto& reason : r.certification->reasons)
      h << "<li>" << html_escape(reason) << "</li>";
    h << "</ul>";
  }
  h << "</div>\n";

  std::vector<const CaseResult*> failures, others;
  for (const auto& c : r.cases) (failing(c.verdict) ? failures : others).push_back(&c);
  if (!failures.empty()) {
    h << "<h2>Failures (" << failures.size() << ")</h2>\n";
    case_table(h, failures, true);
  }
  system_section(h, r.inventory);
  if (r.scheduler) {
    const SchedulerJob& s = *r.scheduler;
    h << "<p>" << html_escape(s.name) << " job " << html_escape(s.job_id)
      << (s.step_id.empty() ? "" : ", step " + html_escape(s.step_id)) << " on "
      << html_escape(s.nodes.empty() ? "?" : s.nodes)
      << (s.partition.empty() ? "" : ", partition " + html_escape(s.partition))
      << (s.cluster.empty() ? "" : ", cluster " + html_escape(s.cluster)) << "</p>\n";
  }
  if (r.job) job_section(h, *r.job, r.inventory);
  roofline_section(h, r);

  std::map<std::string, std::vector<const CaseResult*>> by_workload;
  for (const auto& c : r.cases) by_workload[std::string(workload_name(c.spec.spec))].push_back(&c);
  for (const auto& [workload, cases] : by_workload) {
    h << "<h2 id=\"" << html_escape(workload) << "\">" << html_escape(workload) << "</h2>\n";
    const Workload& w = workload_of(cases.front()->spec.spec);
    if (w.figure() == Figure::busbw_gbps) {
      busbw_chart(h, cases);
    } else if (w.figure() == Figure::gflops) {
      throughput_chart(h, workload + " throughput (GFLOP/s) by dtype, shape and implementation",
                       cases);
    }
    case_table(h, cases, true);
  }
  h << "</body></html>\n";
  return h.str();
}

std::string comparison_html(const Comparison& cmp, const Report& old_r, const Report& new_r) {
  std::ostringstream h;
  page_start(h, "aicert compare");
  h << "<h1>aicert compare</h1><p>old <code>" << html_escape(old_r.report_id) << "</code> ("
    << html_escape(old_r.created_utc) << ") &rarr; new <code>" << html_escape(new_r.report_id)
    << "</code> (" << html_escape(new_r.created_utc) << "); threshold " << num(cmp.threshold_pct)
    << "%, significance p &lt; " << num(cmp.alpha) << "</p>\n";
  if (cmp.across_hardware) {
    h << "<p><strong>across hardware: matched by implementation family</strong> (workload, "
         "shape, dtype and implementation family; each side's device in its own column)</p>\n";
  }
  const bool bad = cmp.gate_fails();
  h << "<div class=\"verdict " << (bad ? "bad" : "good") << "\"><strong>"
    << (bad ? "REGRESSION" : "NO REGRESSION") << "</strong><br>";
  for (ChangeClass c :
       {ChangeClass::regression, ChangeClass::status_change, ChangeClass::improvement,
        ChangeClass::noisy, ChangeClass::no_change, ChangeClass::new_case, ChangeClass::missing}) {
    h << html_escape(change_class_name(c)) << ": " << cmp.count(c) << "&nbsp;&nbsp; ";
  }
  h << "</div>\n<h2>System changes</h2>";
  if (cmp.system.empty())
    h << "<p>none</p>";
  else {
    h << "<table><tr><th>what</th><th>old</th><th>new</th></tr>";
    for (const auto& s : cmp.system) {
      h << "<tr><td>" << html_escape(s.what) << "</td><td>" << html_escape(s.old_value)
        << "</td><td>" << html_escape(s.new_value) << "</td></tr>";
    }
    h << "</table>";
  }
  h << "\n<h2>Cases</h2><table><tr><th>case</th>"
    << (cmp.across_hardware ? "<th>old device</th><th>new device</th>" : "")
    << "<th>class</th><th>old ms</th><th>new ms</th>"
       "<th>&Delta; time</th><th>p</th><th>note</th></tr>\n";
  // Regressions and status changes first.
  std::vector<const CaseComparison*> rows;
  for (const auto& c : cmp.cases) rows.push_back(&c);
  std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    auto rank = [](ChangeClass c) {
      return c == ChangeClass::regression || c == ChangeClass::status_change ? 0 : 1;
    };
    return rank(a->change) < rank(b->change);
  });
  for (const CaseComparison* c : rows) {
    const std::string cls(change_class_name(c->change));
    h << "<tr><td><code>" << html_escape(c->key) << "</code></td>";
    if (cmp.across_hardware) {
      h << "<td>" << html_escape(c->old_device) << "</td><td>" << html_escape(c->new_device)
        << "</td>";
    }
    h << "<td class=\"" << css_class(cls) << "\">" << html_escape(cls) << "</td><td class=\"num\">"
      << (c->old_median_ms > 0 ? num(c->old_median_ms) : "") << "</td><td class=\"num\">"
      << (c->new_median_ms > 0 ? num(c->new_median_ms) : "") << "</td><td class=\"num\">"
      << (c->old_case && c->new_case ? num(c->delta_pct, "%+.1f%%") : "")
      << "</td><td class=\"num\">" << (c->p_value < 1 ? num(c->p_value, "%.3g") : "") << "</td><td>"
      << html_escape(c->note) << "</td></tr>\n";
  }
  h << "</table></body></html>\n";
  return h.str();
}

void write_html(const std::string& html, const std::string& path) {
  write_file_atomically(path, html);
}

}  // namespace aicert
