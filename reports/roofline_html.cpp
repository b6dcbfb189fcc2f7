// Roofline charts; see roofline_html.h.
#include "reports/roofline_html.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "reports/html_common.h"

namespace aicert {

namespace {

struct DeviceCases {
  std::string label;  // "cpu0: Intel Xeon"
  std::vector<const CaseResult*> cases;
};

void chart(std::ostringstream& h, const DeviceCases& d) {
  // Ceilings: the bandwidth (one per device) and each distinct compute peak.
  double bandwidth = 0;
  std::map<std::string, double> peaks;  // case id -> GFLOP/s
  double lo_x = 1e300, hi_x = 0, hi_y = 0, lo_y = 1e300;
  for (const CaseResult* c : d.cases) {
    const CaseRoofline& r = *c->roofline;
    bandwidth = std::max(bandwidth, r.bandwidth_gbps);
    peaks[r.compute_case] = r.compute_gflops;
    lo_x = std::min(lo_x, r.intensity);
    hi_x = std::max(hi_x, r.intensity);
    lo_y = std::min(lo_y, c->gflops);
    hi_y = std::max({hi_y, c->gflops, r.compute_gflops});
  }
  // Decades around everything, the ridge points of every peak included.
  for (const auto& [id, p] : peaks) {
    lo_x = std::min(lo_x, p / bandwidth);
    hi_x = std::max(hi_x, p / bandwidth);
  }
  const double x0 = std::floor(std::log10(lo_x)), x1 = std::max(x0 + 1, std::ceil(std::log10(hi_x)));
  const double y0 = std::floor(std::log10(lo_y)), y1 = std::max(y0 + 1, std::ceil(std::log10(hi_y)));
  const int left = 60, top = 30, plot_w = 640, plot_h = 320;
  const int legend_h = 14 * static_cast<int>(peaks.size() + 1);
  const int width = left + plot_w + 20, height = top + plot_h + 40 + legend_h;
  auto x_of = [&](double v) { return left + plot_w * (std::log10(v) - x0) / (x1 - x0); };
  auto y_of = [&](double v) { return top + plot_h * (1 - (std::log10(v) - y0) / (y1 - y0)); };
  h << "<svg role=\"img\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 "
    << width << " " << height << "\" font-family=\"system-ui,sans-serif\" font-size=\"11\">"
    << "<title>roofline of " << html_escape(d.label) << "</title>"
    << "<text x=\"0\" y=\"14\" font-size=\"13\" font-weight=\"600\">" << html_escape(d.label)
    << ": GFLOP/s against FLOP per byte (log-log)</text>\n"
    << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_w << "\" height=\""
    << plot_h << "\" fill=\"none\" stroke=\"#999\"/>\n";
  for (double e = x0; e <= x1; ++e) {
    h << "<text x=\"" << num(x_of(std::pow(10, e)), "%.1f") << "\" y=\"" << top + plot_h + 14
      << "\" text-anchor=\"middle\">" << num(std::pow(10, e), "%g") << "</text>";
  }
  for (double e = y0; e <= y1; ++e) {
    h << "<text x=\"" << left - 4 << "\" y=\"" << num(y_of(std::pow(10, e)) + 4, "%.1f")
      << "\" text-anchor=\"end\">" << num(std::pow(10, e), "%g") << "</text>";
  }
  h << "\n";
  // Each ceiling: the bandwidth slope up to its ridge point, then flat at the peak.
  const double x_left = std::pow(10, x0), x_right = std::pow(10, x1);
  int legend_y = top + plot_h + 34;
  std::size_t index = 0;
  for (const auto& [id, p] : peaks) {
    const double ridge = p / bandwidth;
    const double start = std::max(x_left, std::pow(10, y0) / bandwidth);
    h << "<polyline fill=\"none\" stroke=\"#5f6368\" stroke-dasharray=\""
      << (index == 0 ? "none" : "4 3") << "\" points=\"" << num(x_of(start), "%.1f") << ","
      << num(y_of(start * bandwidth), "%.1f") << " " << num(x_of(ridge), "%.1f") << ","
      << num(y_of(p), "%.1f") << " " << num(x_of(x_right), "%.1f") << "," << num(y_of(p), "%.1f")
      << "\"/><text x=\"" << left << "\" y=\"" << legend_y << "\">"
      << (index == 0 ? "&#8212;" : "- -") << " " << num(p, "%.4g") << " GFLOP/s: "
      << html_escape(id) << "</text>\n";
    legend_y += 14;
    ++index;
  }
  h << "<text x=\"" << left << "\" y=\"" << legend_y << "\">memory ceiling " << num(bandwidth)
    << " GB/s (" << html_escape(d.cases.front()->roofline->bandwidth_case) << ")</text>\n";
  std::map<std::string, std::size_t> colour_of;
  for (const CaseResult* c : d.cases) {
    const std::size_t colour = colour_of.emplace(c->impl, colour_of.size()).first->second;
    h << "<circle cx=\"" << num(x_of(c->roofline->intensity), "%.1f") << "\" cy=\""
      << num(y_of(c->gflops), "%.1f") << "\" r=\"3\" fill=\"" << kChartColours[colour % 8]
      << "\"><title>" << html_escape(c->id) << ": " << num(c->gflops) << " GFLOP/s, "
      << num(100 * c->roofline->fraction, "%.0f") << "% of roofline ("
      << html_escape(c->roofline->bound) << "-bound)</title></circle>";
  }
  h << "\n";
  int key_x = left + 8;
  for (const auto& [impl, colour] : colour_of) {
    h << "<circle cx=\"" << key_x << "\" cy=\"" << top + 10 << "\" r=\"3\" fill=\""
      << kChartColours[colour % 8] << "\"/><text x=\"" << key_x + 6 << "\" y=\"" << top + 14
      << "\">" << html_escape(impl) << "</text>";
    key_x += 12 + 7 * static_cast<int>(impl.size());
  }
  h << "</svg>\n";
}

}  // namespace

void roofline_section(std::ostringstream& h, const Report& r) {
  std::map<std::string, DeviceCases> devices;
  for (const CaseResult& c : r.cases) {
    // A report read back may hold any number: keep the axes finite.
    if (!c.roofline || !(c.gflops > 0) || !std::isfinite(c.gflops) ||
        !(c.roofline->intensity > 0) || !std::isfinite(c.roofline->intensity) ||
        !(c.roofline->bandwidth_gbps > 0) || !(c.roofline->compute_gflops > 0) ||
        !std::isfinite(c.roofline->compute_gflops) || !std::isfinite(c.roofline->bandwidth_gbps)) {
      continue;
    }
    DeviceCases& d = devices[c.backend + std::to_string(c.device)];
    if (d.label.empty()) d.label = c.backend + std::to_string(c.device) + ": " + c.device_name;
    d.cases.push_back(&c);
  }
  if (devices.empty()) return;
  h << "<h2 id=\"roofline\">Roofline</h2>\n<p>Each device's ceilings are its own measurements: "
       "the best peak case per unit and dtype, and the best stream case at the largest array. "
       "A point is a passed case at its arithmetic intensity (FLOPs over the bytes it must "
       "move).</p>\n";
  for (const auto& [key, d] : devices) chart(h, d);
}

}  // namespace aicert
