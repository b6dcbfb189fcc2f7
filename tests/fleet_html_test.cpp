// The fleet page on analyses built by hand (not by analyse_fleet): hostile host and device names
// escaped, the outlier named in the verdict before everything else, status and system
// differences, the headline table, infinite and NaN figures kept out of the plots, a fleet of a
// thousand machines labelled by its outliers only; and the comparison page's device columns
// across hardware.
#include "reports/fleet_html.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <limits>
#include <regex>

#include "reports/html_report.h"

namespace aicert {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::string kHostileHost = "<script>console.error('x')</script>";
const std::string kHostileDevice = "<img src=\"http://127.0.0.1:9/x.png\">";

// A fleet of `n` machines with one GPU each, every one a member of one GEMM group.
struct HandFleet {
  std::deque<CaseResult> cases;  // the members point into it
  FleetAnalysis a;

  explicit HandFleet(int n, const std::string& device_name = "NVIDIA H100 80GB HBM3") {
    FleetGroup g;
    g.key = "gemm/cuda:cublas/fp32/4096x4096x4096 NN";
    g.hardware = device_name;
    g.unit = "GFLOP/s";
    g.median_ms = 1.0;
    g.mad_ms = 0.01;
    for (int i = 0; i < n; ++i) {
      FleetMachine m;
      m.machine_id = "machine-" + std::to_string(i);
      m.hostname = "host-" + std::to_string(i);
      m.platform = "PowerEdge XE9680, Xeon 8480";
      m.source = "reports/host-" + std::to_string(i) + ".xml";
      a.machines.push_back(m);
      FleetDevice d;
      d.machine = i;
      d.backend = "cuda";
      d.name = device_name;
      d.pci_bus_id = "0000:" + std::to_string(10 + i % 90) + ":00.0";
      d.label = m.hostname + " cuda0 (" + d.pci_bus_id + ")";
      a.devices.push_back(d);
      CaseResult& c = cases.emplace_back();
      c.spec.spec = GemmSpec{4096, 4096, 4096, GemmLayout::NN, DType::fp32, 1.0, 0.0};
      c.backend = "cuda";
      c.impl = "cuda:cublas";
      c.device_name = device_name;
      c.verdict = Verdict::pass;
      FleetMember member;
      member.device = i;
      member.result = &c;
      member.median_ms = 1.0 + 0.001 * (i % 7);
      member.figure = 137000 / member.median_ms;
      member.noise_pct = 0.4;
      g.members.push_back(member);
      ++g.timed;
    }
    a.groups.push_back(g);
    a.headlines.columns = {"GEMM fp32"};
    a.headlines.units = {"GFLOP/s"};
    for (int i = 0; i < n; ++i) {
      a.headlines.rows.push_back(HeadlineRow{i, {a.groups[0].members[i].figure}, 1.0, i + 1});
    }
  }

  FleetMember& member(int i) { return a.groups[0].members[i]; }

  void make_outlier(int i, double delta_pct, double z) {
    FleetMember& m = member(i);
    m.median_ms = 1.0 * (1 + delta_pct / 100);
    m.figure = 137000 / m.median_ms;
    m.delta_pct = delta_pct;
    m.z = z;
    m.flag = delta_pct > 0 ? FleetFlag::slower : FleetFlag::faster;
    a.findings.push_back(
        FleetFinding{delta_pct > 0 ? FleetFinding::Kind::slower : FleetFinding::Kind::faster, 0, i,
                     i, a.devices[i].label + ": " + a.groups[0].key + " outlier"});
  }
};

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Every coordinate of every circle, line and text is a finite number.
void expect_finite_coordinates(const std::string& html) {
  const std::regex coord(R"re(\b(cx|cy|x|y|x1|x2|y1|y2)="([^"]*)")re");
  int seen = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), coord);
       it != std::sregex_iterator(); ++it, ++seen) {
    const std::string v = (*it)[2];
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    EXPECT_TRUE(end && *end == '\0' && std::isfinite(d)) << (*it)[0];
  }
  EXPECT_GT(seen, 0);
}

TEST(FleetHtml, HostileTextIsEscapedAndTheOutlierIsNamedFirst) {
  HandFleet f(5, kHostileDevice);
  FleetAnalysis& a = f.a;
  a.machines[0].hostname = kHostileHost;
  a.devices[0].label = kHostileHost + " cuda0 (" + a.devices[0].pci_bus_id + ")";
  a.machines[1].superseded = {"reports/old-host-1.xml"};
  f.make_outlier(2, 15.2, 8.1);
  // Machine 3's figure is infinite and machine 4's NaN: neither has a place on the axis.
  f.member(3).figure = kInf;
  f.member(4).figure = kNaN;
  f.member(4).median_ms = kNaN;
  // Machine 1 failed where the fleet passed.
  f.cases[1].verdict = Verdict::fail;
  f.cases[1].reason = "<b>wrong</b> 12 of 4096";
  f.member(1).status_differs = true;
  a.findings.push_back(FleetFinding{FleetFinding::Kind::status, 0, 1, 1, "status differs"});
  a.system.push_back(SystemDifference{4, "kernel", "6.8.0-<i>custom</i>", "6.1.0-18"});
  a.findings.push_back(FleetFinding{FleetFinding::Kind::system, -1, -1, 4, "kernel differs"});
  a.headlines.rows[3].values[0] = kInf;
  a.headlines.rows[4].values[0] = std::nullopt;
  a.notes = {"report <given> twice: counted once"};

  const std::string html = fleet_html(a);
  // Nothing hostile survives; the page asks for nothing.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'; img-src data:\">"),
            std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;console.error(&#39;x&#39;)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_NE(html.find("&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt;"), std::string::npos);
  EXPECT_NE(html.find("6.8.0-&lt;i&gt;custom&lt;/i&gt;</td><td>6.1.0-18"), std::string::npos);
  EXPECT_NE(html.find("report &lt;given&gt; twice"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;wrong&lt;/b&gt;"), std::string::npos);

  // The verdict first, with the outlier in it: label, PCI bus id, key, how far.
  const auto verdict = html.find("<div class=\"verdict bad\"");
  ASSERT_NE(verdict, std::string::npos);
  const auto verdict_end = html.find("</div>", verdict);
  EXPECT_LT(html.find("1 outlier, 1 status difference across 5 devices of 5 machines", verdict),
            verdict_end);
  const std::string label = "host-2 cuda0 (0000:12:00.0)";
  const auto named = html.find(label, verdict);
  EXPECT_LT(named, verdict_end);
  EXPECT_LT(html.find("0000:12:00.0", verdict), verdict_end);
  EXPECT_LT(html.find("gemm/cuda:cublas/fp32/4096x4096x4096 NN", verdict), verdict_end);
  EXPECT_LT(html.find("15.2% slower than the fleet median (z = 8.1, own noise 0.4%)", verdict),
            verdict_end);
  EXPECT_LT(verdict_end, html.find("<h2>Status differences"));
  EXPECT_LT(html.find("<h2>Status differences"), html.find("<h2>System differences"));
  EXPECT_LT(html.find("<h2>System differences"), html.find("<h2>Across hardware"));
  EXPECT_LT(html.find("<h2>Across hardware"), html.find("<h2>Groups"));
  EXPECT_LT(html.find("<h2>Groups"), html.find("<h2>Notes"));
  EXPECT_LT(html.find("<h2>Notes"), html.find("<h2>Machines"));

  // The status difference: its verdict against the fleet's.
  EXPECT_NE(html.find("<td class=\"fail\">fail</td><td class=\"pass\">pass</td>"),
            std::string::npos);
  // The headline table: the unit in the header, an infinite value shown as such, ranks.
  EXPECT_NE(html.find("<th>GEMM fp32 (GFLOP/s)</th>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">inf</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">5</td><td>host-4"), std::string::npos);
  // The plot: the outlier red with its label as tooltip and text; two members not placed.
  EXPECT_NE(html.find("<h3 id=\"g0\">"), std::string::npos);
  EXPECT_NE(html.find("fill=\"#d93025\"><title>" + label + ": 15.2% slower"), std::string::npos);
  EXPECT_NE(html.find(">" + label + " +15.2%</text>"), std::string::npos);
  EXPECT_NE(html.find("3 members placed, 2 without a finite value"), std::string::npos);
  EXPECT_NE(html.find("fill=\"#f9ab00\"><title>host-1 cuda0 (0000:11:00.0): fail, the fleet pass"),
            std::string::npos);
  expect_finite_coordinates(html);
  // The machines: source file and superseded report.
  EXPECT_NE(html.find("reports/host-3.xml"), std::string::npos);
  EXPECT_NE(html.find("reports/old-host-1.xml"), std::string::npos);
}

TEST(FleetHtml, AConsistentFleetSaysSo) {
  HandFleet f(3);
  const std::string html = fleet_html(f.a);
  EXPECT_NE(html.find("<div class=\"verdict good\""), std::string::npos);
  EXPECT_NE(html.find("0 outliers, 0 status differences across 3 devices of 3 machines"),
            std::string::npos);
  // The group is of a headline column: plotted even without a finding.
  EXPECT_NE(html.find("<h3 id=\"g0\">"), std::string::npos);
}

TEST(FleetHtml, AThousandMachinesAreLabelledByTheirOutliersOnly) {
  HandFleet f(1000);
  f.make_outlier(17, 12.5, 9.0);
  f.make_outlier(503, -20.0, -14.0);
  // A group of no headline column and without findings is not plotted; one of huge and
  // infinite values is, with every point on the axis.
  FleetGroup quiet = f.a.groups[0];
  quiet.key = "gemm/cuda:cublas/bf16/4096x4096x4096 NN";
  for (auto& m : quiet.members) m.flag = FleetFlag::none;
  quiet.members.resize(10);
  std::deque<CaseResult> bf16_cases;  // "GEMM bf16": not a column of this table
  for (auto& m : quiet.members) {
    CaseResult& c = bf16_cases.emplace_back(*m.result);
    c.spec.spec = GemmSpec{4096, 4096, 4096, GemmLayout::NN, DType::bf16, 1.0, 0.0};
    m.result = &c;
  }
  FleetGroup huge = f.a.groups[0];
  huge.key = "gemm/cuda:cublas/fp32/8x8x8 NN";
  huge.members.resize(6);
  huge.members[0].figure = std::numeric_limits<double>::max();
  huge.members[1].figure = kInf;
  huge.members[2].figure = -kInf;
  huge.members[3].figure = 1e-320;
  huge.median_ms = kInf;
  f.a.groups.push_back(quiet);
  f.a.groups.push_back(huge);

  const std::string html = fleet_html(f.a);
  EXPECT_NE(html.find("2 outliers, 0 status differences across 1000 devices of 1000 machines"),
            std::string::npos);
  EXPECT_NE(html.find(">host-17 cuda0 (0000:27:00.0) +12.5%</text>"), std::string::npos);
  EXPECT_NE(html.find(">host-503 cuda0 (0000:63:00.0) -20.0%</text>"), std::string::npos);
  EXPECT_NE(html.find("20.0% faster than the fleet median (z = -14.0"), std::string::npos);
  // No other member is named anywhere (the machines table names hosts, not devices).
  EXPECT_EQ(html.find("host-500 cuda0"), std::string::npos);
  // Every member of the first group, the four finite positive figures of the huge one.
  EXPECT_EQ(count_of(html, "<circle"), 1000u + 4u);
  EXPECT_EQ(html.find("gemm/cuda:cublas/bf16"), std::string::npos);
  EXPECT_NE(html.find("<h3 id=\"g2\">"), std::string::npos);
  expect_finite_coordinates(html);
  // The long tables: the 20 best and 20 worst machines shown, all of them folded.
  EXPECT_NE(html.find("&hellip; 960 machines between"), std::string::npos);
  EXPECT_EQ(count_of(html, "<details><summary>all 1000 machines</summary>"), 2u);
  EXPECT_LT(html.size(), 1'000'000u);
}

TEST(FleetHtml, ComparisonAcrossHardwareShowsBothDevices) {
  Report old_r, new_r;
  CaseResult a, b;
  Comparison cmp;
  cmp.across_hardware = true;
  CaseComparison c;
  c.key = "gemm/vendor/fp32/512x512x512 NN";
  c.old_case = &a;
  c.new_case = &b;
  c.old_median_ms = 2;
  c.new_median_ms = 1;
  c.delta_pct = -50;
  c.old_device = "cuda0 NVIDIA H100 80GB HBM3";
  c.new_device = "hip0 <b>MI300X</b>";
  c.change = ChangeClass::improvement;
  cmp.cases = {c};
  const std::string html = comparison_html(cmp, old_r, new_r);
  EXPECT_NE(html.find("across hardware: matched by implementation family"), std::string::npos);
  EXPECT_LT(html.find("across hardware"), html.find("<h2>Cases"));
  EXPECT_NE(html.find("<th>case</th><th>old device</th><th>new device</th><th>class</th>"),
            std::string::npos);
  EXPECT_NE(html.find("</code></td><td>cuda0 NVIDIA H100 80GB HBM3</td><td>hip0 "
                      "&lt;b&gt;MI300X&lt;/b&gt;</td><td class=\"improvement\">"),
            std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);

  cmp.across_hardware = false;
  const std::string same = comparison_html(cmp, old_r, new_r);
  EXPECT_EQ(same.find("old device"), std::string::npos);
  EXPECT_EQ(same.find("across hardware"), std::string::npos);
}

}  // namespace
}  // namespace aicert
