// `aicert fleet` end to end, on fleets built from a real report: one `aicert run` on this
// machine's CPU (real spec, inventory, hwloc XML, timings), copied into many machines whose
// samples are set to a known centre and spread, with planted faults: a device 15% slow, one 3%
// slow inside its own noise, a failing case, a different kernel, an older report of one
// machine. Exit codes 0 / 1 / 2, the HTML and JUnit files, a malformed member (named, nothing
// written, an existing output left whole), folders and quoted globs, and a fleet of 1000.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "reports/report_xml.h"
#include "tests/cli_support.h"
#include "tests/timing_samples_util.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class FleetCli : public TempDirTest {
 protected:
  // One real report, made once for the suite.
  static void SetUpTestSuite() {
    real_ = fs::temp_directory_path() / ("aicert-fleet-real-" + std::to_string(getpid()) + ".xml");
    const Outcome o = aicert("run --workload gemm --backend cpu --impl cpu:blocked --shape 64x64x64 --shape 96x96x96 "
                             "--dtype fp32 --min-reps 5 --max-reps 5 --out " + real_.string());
    ASSERT_EQ(o.exit_code, 0) << o.output;
  }
  static void TearDownTestSuite() { fs::remove(real_); }

  // The real report as machine `host`, its case times centred on `scale` x the real ones with a
  // relative spread `spread` (so the outcome is known, whatever this machine's own noise).
  Report member(const std::string& host, double scale = 1, double spread = 0.003,
                unsigned seed = 1) const {
    Report r = read_report_xml(real_.string());
    r.report_id = "id-" + host + "-" + std::to_string(seed);
    r.inventory.hostname = host;
    r.inventory.machine_id = "rack1-" + host;
    r.inventory.machine_id_source = "option";
    unsigned k = seed * 1000;
    for (auto& c : r.cases) {
      TimingStats& t = *c.timing;
      const double real_median = t.median_ms;  // the same in every copy: machines differ by scale
      t.samples_ms = around(real_median * scale, spread, 9, ++k);
      std::vector<double> sorted = t.samples_ms;
      std::sort(sorted.begin(), sorted.end());
      t.median_ms = sorted[sorted.size() / 2];
      c.gflops *= real_median / t.median_ms;
    }
    return r;
  }

  void write(const Report& r, const std::string& name) const { write_report_xml(r, path(name)); }

  static fs::path real_;
};

fs::path FleetCli::real_;

TEST_F(FleetCli, AConsistentFleetExitsZero) {
  fs::create_directories(path("fleet"));
  for (int m = 0; m < 6; ++m) write(member("node-" + std::to_string(m), 1, 0.003, m + 1u), "fleet/node-" + std::to_string(m) + ".xml");
  const Outcome o = aicert("fleet " + path("fleet"));
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("6 reports, 6 machines, 6 devices"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("verdict: CONSISTENT"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("GEMM fp32 [GFLOP/s]"), std::string::npos) << o.output;
}

TEST_F(FleetCli, PlantedFaultsAreFoundAndOnlyThem) {
  fs::create_directories(path("fleet"));
  for (int m = 0; m < 8; ++m) {
    const std::string host = "node-" + std::to_string(m);
    Report r = member(host, m == 3 ? 1.15 : m == 5 ? 1.03 : 1, m == 5 ? 0.10 : 0.003, m + 1u);
    if (m == 6) {
      r.cases[0].verdict = Verdict::fail;
      r.cases[0].reason = "3 wrong elements";
    }
    if (m == 7) r.inventory.kernel = "5.10.0-old";
    write(r, "fleet/" + host + ".xml");
  }
  // An older report of node-1, 40% slow before its repair: merged, the newer counts.
  Report old = member("node-1", 1.4, 0.003, 77);
  old.created_utc = "2020-01-01T00:00:00Z";
  write(old, "fleet/node-1-2020.xml");
  std::ofstream(path("fleet/junit.xml")) << "<?xml version=\"1.0\"?><testsuites/>\n";

  const Outcome o = aicert("fleet " + path("fleet") + " --threshold 2% --html " + path("fleet.html") +
                           " --junit " + path("fleet-junit.xml"));
  EXPECT_EQ(o.exit_code, 1) << o.output;
  const std::string& out = o.output;
  const std::size_t slower = out.find("slower than the fleet (2):");
  ASSERT_NE(slower, std::string::npos) << out;  // node-3's two cases, nothing else
  const std::size_t status = out.find("status differs from the fleet's (1):");
  ASSERT_NE(status, std::string::npos) << out;
  const std::string slower_part = out.substr(slower, status - slower);
  EXPECT_NE(slower_part.find("node-3 cpu0"), std::string::npos) << out;
  EXPECT_EQ(slower_part.find("node-5"), std::string::npos) << out;  // 3% inside its own noise
  EXPECT_EQ(slower_part.find("node-1"), std::string::npos) << out;  // its old report superseded
  EXPECT_NE(out.find("node-6 cpu0: gemm/cpu:blocked/fp32/64x64x64 NN on"), std::string::npos) << out;
  EXPECT_NE(out.find("3 wrong elements"), std::string::npos) << out;
  EXPECT_NE(out.find("machine node-7: kernel 5.10.0-old"), std::string::npos) << out;
  EXPECT_NE(out.find("machine node-1: 2 reports of it merged"), std::string::npos) << out;
  EXPECT_NE(out.find("1 XML files in the folders given are not reports"), std::string::npos) << out;
  EXPECT_NE(out.find("9 reports, 8 machines"), std::string::npos) << out;

  const std::string html = slurp(path("fleet.html"));
  EXPECT_NE(html.find("node-3"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  const std::string junit = slurp(path("fleet-junit.xml"));
  EXPECT_NE(junit.find("<failure"), std::string::npos);
  EXPECT_NE(junit.find("node-3 cpu0"), std::string::npos);
}

TEST_F(FleetCli, AMalformedMemberIsNamedAndNothingIsWritten) {
  for (int m = 0; m < 4; ++m) write(member("n" + std::to_string(m), 1, 0.003, m + 1u), "n" + std::to_string(m) + ".xml");
  const std::string whole = slurp(path("n0.xml"));
  std::ofstream(path("truncated.xml")) << whole.substr(0, whole.size() / 2);
  std::ofstream(path("fleet.html")) << "the page of last week";

  const Outcome bad = aicert("fleet " + path("n0.xml") + " " + path("n1.xml") + " " + path("truncated.xml") +
                             " " + path("n2.xml") + " --html " + path("fleet.html"));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find(path("truncated.xml") + ":"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("1 of 4 reports unreadable"), std::string::npos) << bad.output;
  EXPECT_EQ(slurp(path("fleet.html")), "the page of last week");

  const Outcome skipped = aicert("fleet '" + path("*.xml") + "' --skip-unreadable --html " + path("fleet.html"));
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_NE(skipped.output.find("4 reports, 4 machines"), std::string::npos) << skipped.output;
  EXPECT_NE(skipped.output.find("note: not read: " + path("truncated.xml")), std::string::npos)
      << skipped.output;
  EXPECT_NE(slurp(path("fleet.html")), "the page of last week");
}

// A member edited after it was written is analysed all the same, and said to be TAMPERED on
// the console and the page; `report` and `compare` say it on theirs.
TEST_F(FleetCli, ATamperedMemberIsShownNeverSilently) {
  for (int m = 0; m < 4; ++m) write(member("n" + std::to_string(m), 1, 0.003, m + 1u), "n" + std::to_string(m) + ".xml");
  std::string text = slurp(path("n2.xml"));
  const std::size_t at = text.find("gflops=\"");
  ASSERT_NE(at, std::string::npos);
  text[at + 8] = text[at + 8] == '9' ? '1' : '9';  // one digit of one figure
  std::ofstream(path("n2.xml")) << text;

  const Outcome o = aicert("fleet " + path("n0.xml") + " " + path("n1.xml") + " " + path("n2.xml") +
                           " " + path("n3.xml") + " --html " + path("fleet.html"));
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("integrity: 1 reports are not proven"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find(path("n2.xml") + ": TAMPERED"), std::string::npos) << o.output;
  EXPECT_NE(slurp(path("fleet.html")).find("TAMPERED or without a digest"), std::string::npos);

  const Outcome rep = aicert("report " + path("n2.xml") + " --html " + path("n2.html"));
  EXPECT_EQ(rep.exit_code, 0) << rep.output;
  EXPECT_NE(rep.output.find("integrity: " + path("n2.xml") + ": TAMPERED"), std::string::npos)
      << rep.output;
  EXPECT_NE(slurp(path("n2.html")).find("<strong>TAMPERED</strong>"), std::string::npos);
  const Outcome cmp = aicert("compare " + path("n0.xml") + " " + path("n2.xml"));
  EXPECT_NE(cmp.output.find("integrity: " + path("n0.xml") + ": digest matches"), std::string::npos)
      << cmp.output;
  EXPECT_NE(cmp.output.find("integrity: " + path("n2.xml") + ": TAMPERED"), std::string::npos)
      << cmp.output;
}

TEST_F(FleetCli, BadArgumentsExitTwo) {
  EXPECT_EQ(aicert("fleet " + path("no-such.xml")).exit_code, 2);
  EXPECT_EQ(aicert("fleet '" + path("none-*.xml") + "'").exit_code, 2);
  fs::create_directories(path("empty"));
  const Outcome empty = aicert("fleet " + path("empty"));
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.output.find("hold no aicert report"), std::string::npos) << empty.output;
  write(member("n0"), "n0.xml");
  EXPECT_EQ(aicert("fleet " + path("n0.xml") + " --threshold lots").exit_code, 2);
  EXPECT_EQ(aicert("fleet " + path("n0.xml") + " --min-members 1").exit_code, 2);
}

TEST_F(FleetCli, AThousandMachinesWithOneStraggler) {
  fs::create_directories(path("big"));
  Report base = member("template");
  base.inventory.hwloc_xml.clear();  // synthetic members: the topology is not what is tested
  for (int m = 0; m < 1000; ++m) {
    Report r = base;
    const std::string host = "node-" + std::to_string(m);
    r.report_id = "id-" + host;
    r.inventory.hostname = host;
    r.inventory.machine_id = "m-" + host;
    if (m == 417) {
      for (auto& c : r.cases) {
        for (double& s : c.timing->samples_ms) s *= 1.2;
        c.timing->median_ms *= 1.2;
      }
    }
    write_report_xml(r, path("big/" + host + ".xml"));
  }
  const Outcome o = aicert("fleet " + path("big"));
  EXPECT_EQ(o.exit_code, 1) << o.output.substr(0, 4000);
  EXPECT_NE(o.output.find("1000 reports, 1000 machines, 1000 devices"), std::string::npos)
      << o.output.substr(0, 4000);
  EXPECT_NE(o.output.find("slower than the fleet (2):"), std::string::npos) << o.output.substr(0, 4000);
  EXPECT_NE(o.output.find("node-417 cpu0"), std::string::npos);
  EXPECT_NE(o.output.find("... 950 more machines"), std::string::npos);
}

}  // namespace
}  // namespace aicert
