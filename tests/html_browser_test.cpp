// The HTML report in a real browser: headless Chromium loads a generated report (with hostile
// text in it), takes a screenshot, and the test fails on any console message or any network
// request (Chromium's net log must show file:// only). The detector is itself checked on a
// page that does log to the console and does fetch. Skipped when Chromium is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>

#include "reports/compatibility_matrix.h"
#include "reports/fleet_html.h"
#include "reports/html_report.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

std::string chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    if (shell(std::string("command -v ") + name + " >/dev/null").exit_code == 0) return name;
  }
  return "";
}

struct BrowserRun {
  bool screenshot = false;
  std::vector<std::string> console;   // console messages
  std::vector<std::string> requests;  // URLs other than file:// that the page asked for
};

class HtmlInBrowser : public TempDirTest {
 protected:
  BrowserRun load(const std::string& html_file) {
    const std::string shot = path("shot.png"), netlog = path("net.json"), log = path("log.txt");
    const std::string cmd = "timeout 90 " + browser_ +
                            " --headless --no-sandbox --disable-gpu --no-first-run"
                            " --disable-background-networking --disable-component-update"
                            " --disable-sync --no-pings --disable-default-apps"
                            " --disable-features=NetworkTimeServiceQuerying,Translate,"
                            "OptimizationHints,MediaRouter,AutofillServerCommunication"
                            // Whatever the browser still tries resolves nowhere: nothing leaves
                            // this machine; the net log records the attempt all the same.
                            " --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'"
                            " --user-data-dir=" + path("profile") +
                            " --window-size=1280,2000 --enable-logging=stderr --v=0"
                            " --log-net-log=" + netlog + " --screenshot=" + shot +
                            " file://" + html_file + " >" + log + " 2>&1";
    shell(cmd);
    BrowserRun r;
    r.screenshot = fs::exists(shot) && fs::file_size(shot) > 1000;
    std::ifstream l(log);
    for (std::string line; std::getline(l, line);) {
      if (line.find("CONSOLE") != std::string::npos) r.console.push_back(line);
    }
    std::ifstream n(netlog);
    const std::string net((std::istreambuf_iterator<char>(n)), std::istreambuf_iterator<char>());
    const std::regex url_re("\"url\":\"([a-z]+://[^\"]*)\"");
    for (auto it = std::sregex_iterator(net.begin(), net.end(), url_re); it != std::sregex_iterator();
         ++it) {
      const std::string url = (*it)[1];
      // The browser's own housekeeping (time, updates) goes to Google hosts: not the page's.
      static const std::regex browser_own("^https?://[^/]*(google\\.com|googleapis\\.com|gvt1\\.com)/");
      if (url.rfind("file://", 0) != 0 && url.rfind("data:", 0) != 0 &&
          !std::regex_search(url, browser_own)) {
        r.requests.push_back(url);
      }
    }
    return r;
  }

  void SetUp() override {
    TempDirTest::SetUp();
    browser_ = chromium();
    if (browser_.empty()) GTEST_SKIP() << "Chromium is not installed (Debian package chromium)";
  }
  std::string browser_;
};

TEST_F(HtmlInBrowser, ReportLoadsWithoutConsoleMessagesOrRequests) {
  Report r;
  r.report_id = "6b1d3c8e-2f4a-4b5c-8d9e-0a1b2c3d4e5f";
  r.inventory.hostname = "<script>console.error('injected')</script>";
  BackendDeviceInfo d;
  d.backend = "cpu";
  d.name = "<img src=\"http://127.0.0.1:9/x.png\">";
  r.inventory.devices = {d};
  for (int i = 1; i <= 3; ++i) {
    CaseResult c;
    c.id = "gemm/cpu0/cpu:blocked/fp32/NN/" + std::to_string(64 * i);
    c.spec.spec = GemmSpec{64 * i, 64, 64, GemmLayout::NN, DType::fp32, 1.0, 0.0};
    c.backend = "cpu";
    c.impl = "cpu:blocked";
    c.device_name = d.name;
    c.verdict = i == 2 ? Verdict::fail : Verdict::pass;
    c.reason = i == 2 ? "<script>console.error('reason')</script>" : "";
    c.gflops = 10.0 * i;
    c.timing = TimingStats{{1, 2, 3}, 0, 2, 1, 3, 2, 0.5, 0.1, true, "steady_clock", "", "", 0, 0, 0};
    r.cases.push_back(c);
  }
  r.summary = summarize(r.cases);
  const std::string file = path("report.html");
  write_html(report_html(r), file);
  const BrowserRun run = load(file);
  EXPECT_TRUE(run.screenshot);
  EXPECT_TRUE(run.console.empty()) << run.console.front();
  EXPECT_TRUE(run.requests.empty()) << run.requests.front();
}

// A fleet analysis built by hand (not by analyse_fleet): hostile names, an outlier, a status
// and a system difference, infinite and NaN figures.
TEST_F(HtmlInBrowser, FleetPageLoadsWithoutConsoleMessagesOrRequests) {
  std::vector<CaseResult> cases(8);  // the members point into it
  FleetAnalysis a;
  FleetGroup g;
  g.key = "gemm/cpu:blocked/fp32/512x512x512 NN";
  g.hardware = "<img src=\"http://127.0.0.1:9/x.png\">";
  g.unit = "GFLOP/s";
  g.median_ms = 1;
  g.timed = 8;
  a.headlines.columns = {"GEMM fp32"};
  a.headlines.units = {"GFLOP/s"};
  for (int i = 0; i < 8; ++i) {
    FleetMachine m;
    m.machine_id = "m" + std::to_string(i);
    m.hostname = i == 0 ? "<script>console.error('x')</script>" : "host-" + std::to_string(i);
    m.source = "r" + std::to_string(i) + ".xml";
    a.machines.push_back(m);
    FleetDevice d;
    d.machine = i;
    d.backend = "cpu";
    d.name = g.hardware;
    d.pci_bus_id = "0000:0" + std::to_string(i) + ":00.0";
    d.label = m.hostname + " cpu0 (" + d.pci_bus_id + ")";
    a.devices.push_back(d);
    cases[i].spec.spec = GemmSpec{512, 512, 512, GemmLayout::NN, DType::fp32, 1.0, 0.0};
    cases[i].verdict = i == 5 ? Verdict::fail : Verdict::pass;
    FleetMember fm;
    fm.device = i;
    fm.result = &cases[i];
    fm.median_ms = i == 3 ? 1.2 : 1 + 0.01 * i;
    fm.figure = i == 6   ? std::numeric_limits<double>::infinity()
                : i == 7 ? std::numeric_limits<double>::quiet_NaN()
                         : 268 / fm.median_ms;
    fm.noise_pct = 0.5;
    fm.status_differs = i == 5;
    if (i == 3) {
      fm.flag = FleetFlag::slower;
      fm.delta_pct = 20;
      fm.z = 9;
    }
    g.members.push_back(fm);
    a.headlines.rows.push_back(HeadlineRow{i, {fm.figure}, 1, i + 1});
  }
  a.groups = {g};
  a.findings = {{FleetFinding::Kind::slower, 0, 3, 3, "host-3 slower"},
                {FleetFinding::Kind::status, 0, 5, 5, "host-5 fail"}};
  a.system = {{2, "kernel", "<script>console.error('k')</script>", "6.1"}};
  const std::string file = path("fleet.html");
  write_html(fleet_html(a), file);
  const BrowserRun run = load(file);
  EXPECT_TRUE(run.screenshot);
  EXPECT_TRUE(run.console.empty()) << run.console.front();
  EXPECT_TRUE(run.requests.empty()) << run.requests.front();
}

TEST_F(HtmlInBrowser, CompatibilityMatrixLoadsWithoutConsoleMessagesOrRequests) {
  std::vector<MatrixEntry> entries;
  for (int i = 0; i < 6; ++i) {
    MatrixEntry e;
    e.digest = std::string(64, static_cast<char>('a' + i));
    e.vendor = i % 2 ? "<script>console.error('vendor')</script>" : "Vendor A";
    e.server = "Server " + std::to_string(i % 3);
    e.accelerators = "8x <img src=http://example.com/x.png>";
    e.os = "Debian GNU/Linux 12";
    e.kernel = i < 3 ? "6.1.0-28-amd64" : "6.1.0-29-amd64";
    e.runtimes = "cuda: <link rel=stylesheet href=https://example.com/s.css>";
    e.backends = {i % 2 ? "cuda" : "opencl"};
    e.verdict = i == 4 ? "NOT CERTIFIED" : "CERTIFIED";
    e.tier = i == 4 ? "" : "gold";
    e.tier_rank = i == 4 ? -1 : 2;
    e.created = "2026-12-0" + std::to_string(i + 1);
    e.profile_id = "standard";
    e.profile_version = "1";
    e.report_link = "reports/" + e.digest + ".html";
    e.withdrawn = i == 5;
    e.withdrawn_reason = "recalled";
    entries.push_back(e);
  }
  const std::string file = path("matrix.html");
  write_html(compatibility_matrix_html(build_compatibility_matrix("Longxi", entries, "2026-12-07")),
             file);
  const BrowserRun run = load(file);
  EXPECT_TRUE(run.screenshot);
  EXPECT_TRUE(run.console.empty()) << run.console.front();
  EXPECT_TRUE(run.requests.empty()) << run.requests.front();
}

TEST_F(HtmlInBrowser, TheDetectorSeesConsoleMessagesAndRequests) {
  const std::string file = path("bad.html");
  std::ofstream(file) << "<!DOCTYPE html><html><body><script>console.error('bad page')</script>"
                         "<img src=\"http://127.0.0.1:9/x.png\"></body></html>";
  const BrowserRun run = load(file);
  EXPECT_TRUE(run.screenshot);
  EXPECT_FALSE(run.console.empty());
  EXPECT_FALSE(run.requests.empty());
}

}  // namespace
}  // namespace aicert
