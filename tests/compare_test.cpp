// aicert compare on synthetic report pairs with known outcomes: a significant regression, an
// improvement, noise beyond the threshold, a change within it, pass -> fail, new and missing
// cases, the system diff; the Mann-Whitney test itself; and the HTML views escaping hostile
// text (a device called <script>...).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "reports/html_report.h"
#include "reports/implementation_family.h"
#include "reports/junit_writer.h"
#include "reports/report_compare.h"
#include "tests/timing_samples_util.h"

namespace aicert {
namespace {

CaseResult timed_case(std::int64_t m, std::vector<double> samples, Verdict v = Verdict::pass) {
  CaseResult c;
  c.spec.spec = GemmSpec{m, 64, 64, GemmLayout::NN, DType::fp32, 1.0, 0.0};
  c.backend = "cpu";
  c.impl = "cpu:blocked";
  c.id = "gemm/cpu0/cpu:blocked/fp32/NN/" + std::to_string(m);
  c.verdict = v;
  c.timing = timing_of(std::move(samples));
  return c;
}

const CaseComparison& find(const Comparison& c, std::int64_t m) {
  for (const auto& x : c.cases) {
    if (x.key == "gemm/cpu0/cpu:blocked/fp32/" + std::to_string(m) + "x64x64 NN") return x;
  }
  throw std::runtime_error("no case " + std::to_string(m));
}

TEST(Compare, ClassifiesKnownChanges) {
  Report a, b;
  a.inventory.kernel = "6.1";
  b.inventory.kernel = "6.8";
  a.cases = {timed_case(1, around(10, 0.01, 20, 1)),  // regression: +20%, tight
             timed_case(2, around(10, 0.01, 20, 2)),  // improvement: -20%
             timed_case(3, {5, 15, 8, 12, 10, 20}),   // noisy: +8% but overlapping
             timed_case(4, around(10, 0.01, 20, 4)),  // no change: +1%
             timed_case(5, around(10, 0.01, 20, 5)),  // pass -> fail
             timed_case(6, around(10, 0.01, 20, 6))};  // missing
  b.cases = {timed_case(1, around(12, 0.01, 20, 7)),
             timed_case(2, around(8, 0.01, 20, 8)),
             timed_case(3, {6, 16, 9, 13, 11.5, 21}),
             timed_case(4, around(10.1, 0.01, 20, 10)),
             timed_case(5, around(10, 0.01, 20, 11), Verdict::fail),
             timed_case(7, around(10, 0.01, 20, 12))};  // new
  const Comparison c = compare_reports(a, b, 5.0);
  EXPECT_EQ(find(c, 1).change, ChangeClass::regression);
  EXPECT_NEAR(find(c, 1).delta_pct, 20, 3);
  EXPECT_LT(find(c, 1).p_value, 0.001);
  EXPECT_EQ(find(c, 2).change, ChangeClass::improvement);
  EXPECT_EQ(find(c, 3).change, ChangeClass::noisy);
  EXPECT_EQ(find(c, 4).change, ChangeClass::no_change);
  EXPECT_EQ(find(c, 5).change, ChangeClass::status_change);
  EXPECT_NE(find(c, 5).note.find("pass -> fail"), std::string::npos);
  EXPECT_EQ(find(c, 6).change, ChangeClass::missing);
  EXPECT_EQ(find(c, 7).change, ChangeClass::new_case);
  EXPECT_TRUE(c.gate_fails());
  ASSERT_FALSE(c.system.empty());
  EXPECT_EQ(c.system[0].what, "kernel");
  EXPECT_EQ(c.system[0].new_value, "6.8");
}

TEST(Compare, IdenticalReportsDoNotFailTheGate) {
  Report a;
  a.cases = {timed_case(1, around(10, 0.05, 10, 1)), timed_case(2, around(5, 0.05, 10, 2))};
  const Comparison c = compare_reports(a, a, 5.0);
  EXPECT_FALSE(c.gate_fails());
  EXPECT_EQ(c.count(ChangeClass::no_change), 2);
  EXPECT_TRUE(c.system.empty());
}

// Reports of different hardware: matched by implementation family (every vendor library is
// "vendor"), each side's device a column; of several devices of one key the median one stands.
TEST(Compare, AcrossHardwareMatchesByImplementationFamily) {
  auto on = [](CaseResult c, const std::string& backend, int device, const std::string& impl,
               const std::string& name) {
    c.backend = backend;
    c.device = device;
    c.impl = impl;
    c.device_name = name;
    return c;
  };
  Report cpu, gpu;
  cpu.inventory.cpu_model = "EPYC 9654";
  gpu.inventory.cpu_model = "Xeon 8480+";
  cpu.cases = {on(timed_case(1, around(10, 0.01, 20, 1)), "cpu", 0, "cpu:cblas", "EPYC"),
               on(timed_case(1, around(20, 0.01, 20, 2)), "cpu", 0, "cpu:blocked", "EPYC")};
  for (int d = 0; d < 3; ++d) {  // three GPUs, the middle one in time is cuda2 (2.0 ms)
    const double t = d == 0 ? 1.0 : d == 1 ? 3.0 : 2.0;
    gpu.cases.push_back(on(timed_case(1, around(t, 0.01, 20, 10 + d)), "cuda", d, "cuda:cublaslt", "H100"));
  }
  ASSERT_TRUE(different_hardware(cpu, gpu));
  EXPECT_FALSE(different_hardware(cpu, cpu));
  const Comparison c = compare_reports(cpu, gpu, 5.0);
  ASSERT_TRUE(c.across_hardware);
  ASSERT_EQ(c.cases.size(), 2u);
  const CaseComparison& vendor = c.cases[0];
  EXPECT_EQ(vendor.key, "gemm/vendor/fp32/1x64x64 NN");
  EXPECT_EQ(vendor.change, ChangeClass::improvement);
  EXPECT_EQ(vendor.old_device, "cpu0 EPYC");
  EXPECT_EQ(vendor.new_device, "cuda2 H100");
  EXPECT_NEAR(vendor.delta_pct, -80, 2);
  EXPECT_NE(vendor.note.find("new: 3 devices ran it; cuda2 (cuda:cublaslt), the median time"),
            std::string::npos) << vendor.note;
  EXPECT_EQ(c.cases[1].key, "gemm/blocked/fp32/1x64x64 NN");
  EXPECT_EQ(c.cases[1].change, ChangeClass::missing);  // no own "blocked" kernel on the GPU side

  // The same pair matched case by case, when asked: nothing in common.
  const Comparison same = compare_reports(cpu, gpu, 5.0, 0.05, HardwareMatch::same);
  EXPECT_FALSE(same.across_hardware);
  EXPECT_EQ(same.count(ChangeClass::missing), 2);
  EXPECT_EQ(same.count(ChangeClass::new_case), 3);
}

TEST(Compare, ImplementationFamilies) {
  EXPECT_EQ(implementation_family("cpu:cblas"), "vendor");
  EXPECT_EQ(implementation_family("cuda:cublaslt"), "vendor");
  EXPECT_EQ(implementation_family("opencl:clblast"), "vendor");
  EXPECT_EQ(implementation_family("cuda:nccl"), "vendor");
  EXPECT_EQ(implementation_family("mpi:native"), "vendor");
  EXPECT_EQ(implementation_family("cuda:flash"), "flash");
  EXPECT_EQ(implementation_family("cpu:flash"), "flash");
  EXPECT_EQ(implementation_family("opencl:tiled"), "tiled");
}

// A run of fewer backends on the same machine is not other hardware.
TEST(Compare, ABackendOnlyOneSideRanIsNotOtherHardware) {
  Report both, cpu_only;
  CaseResult a = timed_case(1, around(10, 0.01, 20, 1));
  a.device_name = "EPYC";
  CaseResult b = a;
  b.backend = "opencl";
  b.impl = "opencl:tiled";
  b.device_name = "pthread-EPYC";
  both.cases = {a, b};
  cpu_only.cases = {a};
  EXPECT_FALSE(different_hardware(both, cpu_only));
  EXPECT_FALSE(compare_reports(both, cpu_only, 5).across_hardware);
}

TEST(Compare, MannWhitneyMatchesKnownValues) {
  // Completely separated samples of 5 and 5: U = 0, z = (12.5 - 0.5) / sqrt(22.9167).
  const double p = mann_whitney_p({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
  EXPECT_NEAR(p, std::erfc(12.0 / std::sqrt(25.0 * 11 / 12) / std::sqrt(2.0)), 1e-12);
  EXPECT_GT(mann_whitney_p({1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}), 0.9);
  EXPECT_EQ(mann_whitney_p({1, 2}, {3, 4, 5}), 1.0);  // too few samples
  EXPECT_EQ(mann_whitney_p({2, 2, 2}, {2, 2, 2}), 1.0);  // all tied
  // Found by fuzzing: a NaN sample (a report may hold one) never ended its run of ties. Only
  // the finite samples rank, so these are the separated 5 and 5 above.
  const double nan = std::nan(""), inf = HUGE_VAL;
  EXPECT_EQ(mann_whitney_p({1, nan, 2, 3, 4, inf, 5}, {6, 7, -inf, 8, 9, 10, nan}), p);
  EXPECT_EQ(mann_whitney_p({nan, nan, nan}, {nan, nan, nan}), 1.0);
}

TEST(Html, HostileTextIsEscapedAndNothingIsFetched) {
  Report r;
  r.inventory.hostname = "<script>alert('host')</script>";
  BackendDeviceInfo d;
  d.backend = "cpu";
  d.name = "<img src=x onerror=alert(1)>";
  r.inventory.devices = {d};
  CaseResult c = timed_case(1, {1, 2, 3}, Verdict::fail);
  c.device_name = d.name;
  c.reason = "</td><script>evil()</script>";
  c.gflops = 10;
  r.cases = {c};
  r.summary = summarize(r.cases);
  for (const std::string& html : {report_html(r), comparison_html(compare_reports(r, r, 5), r, r)}) {
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  }
  const std::string html = report_html(r);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;host&#39;)&lt;/script&gt;"), std::string::npos);
  // Failures come before the system section, the verdict before both.
  EXPECT_LT(html.find("FAIL"), html.find("Failures"));
  EXPECT_LT(html.find("Failures"), html.find("<h2>System"));
}

TEST(Html, MpiJobListsEveryHostWithItsRanksAndDevices) {
  Report r;
  r.inventory.hostname = "node-a";
  r.inventory.cpu_model = "CPU A";
  Inventory b;
  b.hostname = "<b>node-b</b>";
  b.cpu_model = "CPU B";
  BackendDeviceInfo gpu;
  gpu.backend = "cuda";
  gpu.kind = "gpu";
  gpu.name = "NVIDIA H100 80GB HBM3";
  b.devices = {gpu};
  r.job = JobInfo{4, {{"node-a", "0,1", std::nullopt}, {b.hostname, "2,3", b}}};
  const std::string html = report_html(r);
  EXPECT_NE(html.find("MPI job: 4 ranks on 2 host(s)"), std::string::npos);
  EXPECT_NE(html.find("node-a (reporting)</td><td>0,1</td><td>CPU A"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;b&gt;node-b&lt;/b&gt;</td><td>2,3</td><td>CPU B"), std::string::npos);
  EXPECT_NE(html.find("cuda0 NVIDIA H100 80GB HBM3"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
}

// The System section lists PCI devices as `aicert probe` does: pci.ids names, then the numeric
// ids, then the class; a device pci.ids does not know keeps its ids alone. Names are escaped.
TEST(Html, PciDevicesShowNamesThenIdsThenClass) {
  Report r;
  PciDeviceInfo nic;
  nic.bus_id = "0000:00:03.0";
  nic.vendor_id = 0x1af4;
  nic.device_id = 0x1041;
  nic.class_name = "Ethernet controller";
  nic.vendor_name = "Red Hat, Inc.";
  nic.device_name = "Virtio 1.0 network device";
  nic.link_speed = kUnknown;
  nic.link_width = kUnknown;
  nic.os_devices = {{"eth0", "network", ""}};
  PciDeviceInfo gpu;
  gpu.bus_id = "0000:17:00.0";
  gpu.vendor_id = 0x10de;
  gpu.device_id = 0x2330;
  gpu.class_name = "3D controller";
  gpu.vendor_name = "NVIDIA <Corporation>";
  gpu.device_name = "GH100 [H100 SXM5 80GB]";
  gpu.link_speed = "32.0 GT/s PCIe";
  gpu.link_width = "16";
  gpu.link_speed_gbps = 63.015;
  PciDeviceInfo unknown;
  unknown.bus_id = "0000:00:05.0";
  unknown.vendor_id = 0xabcd;
  unknown.device_id = 0x0001;
  unknown.class_name = "Unassigned class";
  unknown.name = kUnknown;
  unknown.link_speed = kUnknown;
  unknown.link_width = kUnknown;
  r.inventory.pci_devices = {nic, gpu, unknown};
  const std::string html = report_html(r);
  EXPECT_NE(html.find("<h3>PCI devices</h3>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td><code>0000:00:03.0</code></td><td>Red Hat, Inc. Virtio 1.0 network "
                      "device [1af4:1041] Ethernet controller</td><td>unknown</td><td>network "
                      "eth0</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("NVIDIA &lt;Corporation&gt; GH100 [H100 SXM5 80GB] [10de:2330] 3D "
                      "controller</td><td>32.0 GT/s PCIe x16 (63.02 GB/s)</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td>[abcd:0001] Unassigned class</td>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<Corporation>"), std::string::npos);
  // No PCI devices, no table (reports of older versions, the golden file below).
  EXPECT_EQ(report_html(Report{}).find("PCI devices"), std::string::npos);
}

// The exact HTML and JUnit of a small fixed report: a change of these views must be a conscious
// one. AICERT_UPDATE_GOLDEN=1 rewrites the files.
TEST(Html, SmallReportMatchesGoldenHtmlAndJunit) {
  Report r;
  r.report_id = "6b1d3c8e-2f4a-4b5c-8d9e-0a1b2c3d4e5f";
  r.tool_version = "0.1.0";
  r.git_revision = "abcdef";
  r.created_utc = "2026-11-22T10:00:00Z";
  r.inventory.hostname = "host";
  r.profile = ProfileIdentity{"quick", "1.0", "2026.11", std::string(64, 'a'), "quick.xml"};
  r.cases = {timed_case(64, {1, 1.1, 0.9}), timed_case(32, {2, 2.2, 1.8}, Verdict::fail)};
  r.cases[0].gflops = 0.5;
  r.cases[1].reason = "1 wrong element";
  CollectiveSpec cs;
  cs.ranks = 2;
  cs.count = 1024;
  CaseResult coll;
  coll.id = "collective/cpu0/cpu:shm/fp32/allreduce-sum/r2/4096B";
  coll.spec.spec = cs;
  coll.backend = "cpu";
  coll.impl = "cpu:shm";
  coll.verdict = Verdict::pass;
  coll.bandwidth = Bandwidth{4096, 2, 2, 1, 2};
  r.cases.push_back(coll);
  r.summary = summarize(r.cases);
  r.certification = Certification{"NOT CERTIFIED", "", {{"functional", false, "x"}}, {"1 failed"}, ""};
  const std::filesystem::path dir = std::filesystem::path(AICERT_SOURCE_DIR) / "tests/data/reports";
  const std::string html = report_html(r);
  const std::string junit_file =
      (std::filesystem::temp_directory_path() / ("aicert-junit-" + std::to_string(getpid())))
          .string();
  write_junit_xml("aicert certify quick", junit_cases(r), junit_file);
  std::ifstream j(junit_file);
  const std::string junit((std::istreambuf_iterator<char>(j)), std::istreambuf_iterator<char>());
  std::filesystem::remove(junit_file);
  if (std::getenv("AICERT_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(dir / "golden-report.html") << html;
    std::ofstream(dir / "golden-junit.xml") << junit;
  }
  auto read = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  EXPECT_EQ(html, read(dir / "golden-report.html"));
  EXPECT_EQ(junit, read(dir / "golden-junit.xml"));
  EXPECT_NE(junit.find("<failure message=\"fail: 1 wrong element"), std::string::npos);
}

}  // namespace
}  // namespace aicert
