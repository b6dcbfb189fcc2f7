// Report XML: the writer's output validates against reports/schema/aicert-report-1.xsd, reads
// back field for field, rejects malformed files with "file:line: what", and writes atomically.
#include <gtest/gtest.h>
#include <hwloc.h>
#include <hwloc/export.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "reports/redaction.h"
#include "reports/report_xml.h"
#include "reports/xml_lexical.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::string kSchema = std::string(AICERT_SOURCE_DIR) + "/reports/schema/aicert-report-1.xsd";
const std::string kData = std::string(AICERT_SOURCE_DIR) + "/tests/data/reports";

// ---- helpers

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
  ASSERT_TRUE(out.good()) << p;
}

bool have_xmllint() { return std::system("command -v xmllint >/dev/null 2>&1") == 0; }

// Runs xmllint against the schema; returns its exit status, and its messages in *log.
int xmllint(const fs::path& file, std::string* log) {
  const std::string cmd = "xmllint --noout --schema '" + kSchema + "' '" + file.string() + "' 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  log->clear();
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) *log += buf;
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define EXPECT_VALID(file)                                                                \
  do {                                                                                    \
    std::string log_;                                                                     \
    EXPECT_EQ(xmllint(file, &log_), 0) << "xmllint rejected " << (file) << ":\n" << log_; \
  } while (0)

// 1-based line of the n-th occurrence of `needle`; 0 when absent.
int line_of(const std::string& text, std::string_view needle, int n = 1) {
  auto pos = text.find(needle);
  while (pos != std::string::npos && --n > 0) pos = text.find(needle, pos + 1);
  if (pos == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n'));
}

// The line where the text of a file stops (trailing white space aside).
int last_text_line(const std::string& text) {
  const auto end = text.find_last_not_of(" \t\r\n");
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + end, '\n'));
}

std::string replace_first(std::string text, std::string_view from, std::string_view to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "fixture lacks " << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

// Same double, NaN equal to NaN, and -0 told apart from +0.
bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}
#define EXPECT_SAME(a, b) EXPECT_TRUE(same((a), (b))) << #a " = " << (a) << " vs " << (b)

// ---- a report that uses every field

// A hwloc export in miniature: DOCTYPE, nested objects, info pairs, text content.
const char* kHwlocSnippet = R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE topology SYSTEM "hwloc2.dtd">
<topology version="2.0">
  <object type="Machine" os_index="0" cpuset="0x0000000f" complete_cpuset="0x0000000f" nodeset="0x00000001" gp_index="1">
    <info name="DMIProductName" value="R&amp;D box"/>
    <object type="Package" os_index="0" cpuset="0x0000000f" gp_index="2">
      <object type="Core" os_index="0" cpuset="0x00000003" gp_index="3"/>
    </object>
  </object>
  <distances2 type="NUMANode" nbobjs="2" kind="5" indexing="os">
    <indexes length="4">0 1 </indexes>
    <u64values length="12">10 21 21 10 </u64values>
  </distances2>
</topology>
)";

Inventory rich_inventory() {
  Inventory inv;
  inv.hostname = "node-17.example.org";
  inv.os_release = "Debian GNU/Linux 12 (bookworm)";
  inv.kernel = "6.1.0-18-amd64";
  inv.architecture = "x86_64";
  inv.cpu_model = "Intel(R) Xeon(R) Gold 6430 <engineering & \"sample\">";
  inv.cpu_features = {"avx2", "fma", "avx512f", "avx512_bf16", "amx_tile"};
  inv.packages = 2;
  inv.cores = 64;
  inv.pus = 128;
  inv.total_memory_bytes = (std::uint64_t{1} << 40) + 12345;
  inv.numa_nodes = {{0, std::uint64_t{549755813888}}, {1, std::uint64_t{549755826233}}};
  inv.caches = {{1, "data", 49152, 64},
                {1, "instruction", 32768, 64},
                {2, "unified", 2097152, 64},
                {3, "unified", 62914560, 2}};
  PciDeviceInfo gpu;
  gpu.bus_id = "0000:17:00.0";
  gpu.vendor_id = 0x10de;
  gpu.device_id = 0x2330;
  gpu.class_id = 0x0302;
  gpu.class_name = "3D controller";
  gpu.name = "NVIDIA Corporation GH100 [H100 SXM5 80GB]";
  gpu.link_speed_gbps = 31.507692307692306;
  gpu.link_speed = "32.0 GT/s PCIe";
  gpu.link_width = "16";
  gpu.os_devices = {
      {"card0", "gpu", ""}, {"cuda0", "coproc", "CUDA"}, {"opencl0d0", "coproc", "OpenCL"}};
  PciDeviceInfo nic;
  nic.bus_id = "0000:ff:1f.7";
  nic.vendor_id = 0xffff;
  nic.device_id = 0x0000;
  nic.class_id = 0x0200;
  nic.class_name = "Ethernet controller";
  nic.link_speed = kUnknown;
  nic.link_width = kUnknown;
  inv.pci_devices = {gpu, nic};
  inv.dmi_sys_vendor = "Supermicro";
  inv.dmi_product_name = "SYS-821GE-TNHR";
  inv.dmi_product_serial = "S4829X1234";
  inv.dmi_bios_vendor = "American Megatrends International, LLC.";
  inv.dmi_bios_version = "2.1";
  inv.dmi_bios_date = "03/15/2024";
  inv.backends = {{"cpu", true, "", "OpenBLAS 0.3.21"},
                  {"cuda", false, "libcudart.so.12: cannot open shared object file", ""},
                  {"opencl", true, "", "OpenCL 3.0 PoCL 3.1"}};
  BackendDeviceInfo cpu_dev;
  cpu_dev.backend = "cpu";
  cpu_dev.name = inv.cpu_model;
  cpu_dev.vendor = "GenuineIntel";
  cpu_dev.kind = "cpu";
  cpu_dev.pci_bus_id = "";
  cpu_dev.driver_version = "";
  cpu_dev.memory_bytes = inv.total_memory_bytes;
  cpu_dev.compute_units = 128;
  cpu_dev.properties = {{"threads", "128"}, {"blas", "OpenBLAS 0.3.21 (Haswell)"}};
  BackendDeviceInfo cl_dev;
  cl_dev.backend = "opencl";
  cl_dev.index = 1;
  cl_dev.name = "pthread-Intel(R) Xeon(R) Gold 6430";
  cl_dev.vendor = "GenuineIntel";
  cl_dev.kind = "cpu";
  cl_dev.pci_bus_id = "0000:17:00.0";
  cl_dev.driver_version = "3.1";
  cl_dev.memory_bytes = std::numeric_limits<std::uint64_t>::max();
  cl_dev.compute_units = 64;
  // Attribute values keep tabs, newlines and carriage returns exactly.
  cl_dev.properties = {{"extensions", "cl_khr_fp16\tcl_khr_fp64\ncl_khr_int64\r\nend"},
                       {"empty", ""},
                       {"  spaced  ", "  value  "}};
  inv.devices = {cpu_dev, cl_dev};
  inv.hwloc_version = "2.9.0";
  inv.hwloc_xml = kHwlocSnippet;
  return inv;
}

CheckResult passing_check() {
  CheckResult c;
  c.elements = 4096;
  c.max_abs_error = 2.384185791015625e-07;
  c.max_rel_error = 1.0 / 3.0;
  c.nmse = 1.2345678901234567e-15;
  c.worst_index = 4095;
  c.worst_value = 0.1;
  c.worst_reference = 0.30000000000000004;
  c.worst_bound = 5e-324;
  c.tolerance = {2.0,  std::ldexp(1.0, -24), std::ldexp(1.0, -24),
                 10.0, "sqrt(K)+2",          1.401298464324817e-45,
                 false};
  c.passed = true;
  return c;
}

TimingStats timing(std::vector<double> samples, bool noisy) {
  TimingStats t;
  t.samples_ms = std::move(samples);
  t.warmups = 3;
  t.median_ms = 0.1;
  t.min_ms = 0.07;
  t.max_ms = 1e300;
  t.mean_ms = 2.0 / 3.0;
  t.cv = noisy ? 0.31 : 0.012;
  t.max_cv = 0.05;
  t.noisy = noisy;
  t.timer = "steady_clock";
  return t;
}

Report rich_report() {
  Report r;
  r.report_id = "0f8b6c2e-3a41-4d7e-9b2a-5c6d7e8f9a0b";
  r.tool_version = "0.1.0";
  r.git_revision = "3f2a9c1d0e4b";
  r.created_utc = "2026-11-22T07:30:00Z";
  r.command_line = "aicert certify --profile quick --out 'results dir' --note \"a & b < c\"";
  r.inventory = rich_inventory();

  CaseResult pass;
  pass.id = "gemm/cpu0/cpu:cblas/fp32/NN/64x64x64";
  pass.spec = {GemmSpec{64, 64, 64, GemmLayout::NN, DType::fp32, 1.0, 0.0}, 42};
  pass.backend = "cpu";
  pass.device_name = "Intel(R) Xeon(R) Gold 6430";
  pass.impl = "cpu:cblas";
  pass.inputs_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  pass.verdict = Verdict::pass;
  pass.check = passing_check();
  pass.timing = timing({0.1, 0.07, 1.0 / 3.0, 1e300, 2.5e-5}, false);
  pass.gflops = 5.24288;

  CaseResult fail;
  fail.id = "gemm/opencl1/opencl:tiled-8x8/bf16/NT/17x33x65";
  fail.spec = {GemmSpec{17, 33, 65, GemmLayout::NT, DType::bf16, 0.5, -1.25},
               std::numeric_limits<std::uint64_t>::max()};
  fail.backend = "opencl";
  fail.device = 1;
  fail.device_name = "pthread-Intel(R) Xeon(R) Gold 6430";
  fail.impl = "opencl:tiled-8x8";
  fail.inputs_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  fail.verdict = Verdict::fail;
  fail.reason = "3 elements over their bound";
  fail.check = passing_check();
  fail.check->passed = false;
  fail.check->wrong_count = 3;
  fail.check->guard_bytes_touched = 4;
  fail.check->worst_index = 37 * 33 + 12;
  fail.check->reason = "3 of 561 elements over their bound; worst [37,12] = 1.5 vs 1.25";
  fail.check->tolerance = {4.0, std::ldexp(1.0, -24), std::ldexp(1.0, -8), 65.0, "K", 0.0, false};
  fail.timing = timing({0.2, 0.9}, true);
  fail.gflops = 0.0012;

  CaseResult unsupported;
  unsupported.id = "gemm/cpu0/cpu:cblas/fp16/TN/1x1x0";
  unsupported.spec = {GemmSpec{1, 1, 0, GemmLayout::TN, DType::fp16, -0.0, 1.0}, 0};
  unsupported.backend = "cpu";
  unsupported.impl = "";
  unsupported.verdict = Verdict::not_supported;
  unsupported.reason = "fp16 GEMM is not offered by cpu:cblas";

  // A kernel that produced garbage: every special double the metrics can hold.
  CaseResult garbage;
  garbage.id = "gemm/opencl1/opencl:clblast/fp32/NN/128x128x128";
  garbage.spec = {GemmSpec{128, 128, 128, GemmLayout::NN, DType::fp32, 1.0, 0.0}, 7};
  garbage.backend = "opencl";
  garbage.device = 1;
  garbage.device_name = "pthread-Intel(R) Xeon(R) Gold 6430";
  garbage.impl = "opencl:clblast";
  garbage.inputs_sha256 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
  garbage.verdict = Verdict::fail;
  garbage.reason = "  NaN in output;\n<see check> & \"retry\"  ";
  garbage.check = passing_check();
  garbage.check->passed = false;
  garbage.check->nan_count = 5;
  garbage.check->inf_count = 2;
  garbage.check->wrong_count = 16384;
  garbage.check->max_abs_error = kInf;
  garbage.check->max_rel_error = kNaN;
  garbage.check->nmse = kNaN;
  garbage.check->worst_value = -kInf;
  garbage.check->worst_reference = -0.0;
  garbage.check->worst_bound = std::numeric_limits<double>::denorm_min();
  garbage.check->reason = "5 NaN, 2 Inf";
  garbage.check->tolerance.exact = true;
  garbage.timing = timing({kInf, -kInf, kNaN, -0.0, std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::min()},
                          true);
  garbage.timing->cv = kNaN;
  garbage.timing->timer = "cl_event";
  garbage.gflops = kNaN;

  CaseResult crash;
  crash.id = "gemm/opencl1/opencl:tiled-8x8/fp32/NN/4096x4096x4096";
  crash.spec = {GemmSpec{4096, 4096, 4096, GemmLayout::NN, DType::fp32, 1.0, 0.0}, 42};
  crash.backend = "opencl";
  crash.device = 1;
  crash.impl = "opencl:tiled-8x8";
  crash.verdict = Verdict::crash;
  crash.reason = " ";  // whitespace alone survives too

  // Certification: the profile, per-case thresholds, repeat-consistency, waiver, verdict.
  pass.test_id = "gemm-square";
  pass.blocker = true;
  pass.consistency = ConsistencyCheck{12, 0, 0, 3.25};
  pass.thresholds = {{"bronze", "absolute", "at least 10 GFLOP/s", 10, 612.5, "GFLOP/s", "met"},
                     {"gold", "baseline", "no more than 5% slower", -5, -7.25, "%", "missed"}};
  crash.test_id = "gemm-square";
  crash.blocker = false;
  crash.waiver = "BUG-7";
  CaseResult attention;
  attention.id = "attention/cpu0/cpu:flash/bf16/causal/1,16,4,1,128,2048";
  AttentionSpec a;
  a.batch = 1;
  a.q_heads = 16;
  a.kv_heads = 4;
  a.q_len = 1;
  a.kv_len = 2048;
  a.head_dim = 128;
  a.causal = true;
  a.dtype = DType::bf16;
  attention.spec = {a, 42};
  attention.backend = "cpu";
  attention.device_name = "Intel(R) Xeon(R) Gold 6430";
  attention.impl = "cpu:flash";
  attention.inputs_sha256 = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
  attention.verdict = Verdict::pass;
  attention.check = passing_check();
  attention.check->tolerance.g = 51.25;
  attention.check->tolerance.g_formula = "max over rows of (sqrt(D)+4)*L_row+sqrt(Sk)+4";
  attention.timing = timing({0.5, 0.25}, false);
  attention.gflops = 12.5;

  CaseResult collective;
  collective.id = "collective/cpu0/cpu:shm/int32/reducescatter-max/r3/4004B";
  CollectiveSpec cs;
  cs.op = CollectiveOp::reducescatter;
  cs.reduce = ReduceOp::max;
  cs.ranks = 3;
  cs.count = 1001;
  cs.dtype = DType::int32;
  cs.root = 0;
  collective.spec = {cs, 42};
  collective.backend = "cpu";
  collective.impl = "cpu:shm";
  collective.verdict = Verdict::pass;
  collective.check = passing_check();
  collective.check->tolerance = {0, 0,   0, 0, "exact: integer inputs in [-5592405, 5592405]",
                                 0, true};
  collective.timing = timing({0.004, 0.005}, false);
  collective.bandwidth = Bandwidth{4004, 1.001, 0.6673333333333333, 2.0 / 3.0, 4.0};

  r.cases = {pass, fail, unsupported, garbage, crash, attention, collective};
  r.summary = summarize(r.cases);
  r.profile = ProfileIdentity{"standard", "1.0", "2026.11",
                              "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
                              "/usr/share/aicert/profiles/standard.xml"};
  r.certification = Certification{"NOT CERTIFIED",
                                  "bronze",
                                  {{"bronze", true, ""}, {"gold", false, "<slower> & \"worse\""}},
                                  {"1 blocker case(s) failed", "line\nbreak"},
                                  "0b1d3c8e-2f4a-4b5c-8d9e-0a1b2c3d4e5f"};
  return r;
}

// ---- field-by-field comparison

void expect_equal(const Inventory& a, const Inventory& b) {
  EXPECT_EQ(a.hostname, b.hostname);
  EXPECT_EQ(a.os_release, b.os_release);
  EXPECT_EQ(a.kernel, b.kernel);
  EXPECT_EQ(a.architecture, b.architecture);
  EXPECT_EQ(a.cpu_model, b.cpu_model);
  EXPECT_EQ(a.cpu_features, b.cpu_features);
  EXPECT_EQ(a.packages, b.packages);
  EXPECT_EQ(a.cores, b.cores);
  EXPECT_EQ(a.pus, b.pus);
  EXPECT_EQ(a.total_memory_bytes, b.total_memory_bytes);
  ASSERT_EQ(a.numa_nodes.size(), b.numa_nodes.size());
  for (std::size_t i = 0; i < a.numa_nodes.size(); ++i) {
    EXPECT_EQ(a.numa_nodes[i].os_index, b.numa_nodes[i].os_index);
    EXPECT_EQ(a.numa_nodes[i].memory_bytes, b.numa_nodes[i].memory_bytes);
  }
  ASSERT_EQ(a.caches.size(), b.caches.size());
  for (std::size_t i = 0; i < a.caches.size(); ++i) {
    EXPECT_EQ(a.caches[i].level, b.caches[i].level);
    EXPECT_EQ(a.caches[i].type, b.caches[i].type);
    EXPECT_EQ(a.caches[i].size_bytes, b.caches[i].size_bytes);
    EXPECT_EQ(a.caches[i].count, b.caches[i].count);
  }
  ASSERT_EQ(a.pci_devices.size(), b.pci_devices.size());
  for (std::size_t i = 0; i < a.pci_devices.size(); ++i) {
    const PciDeviceInfo& x = a.pci_devices[i];
    const PciDeviceInfo& y = b.pci_devices[i];
    EXPECT_EQ(x.bus_id, y.bus_id);
    EXPECT_EQ(x.vendor_id, y.vendor_id);
    EXPECT_EQ(x.device_id, y.device_id);
    EXPECT_EQ(x.class_id, y.class_id);
    EXPECT_EQ(x.class_name, y.class_name);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.vendor_name, y.vendor_name);
    EXPECT_EQ(x.device_name, y.device_name);
    EXPECT_SAME(x.link_speed_gbps, y.link_speed_gbps);
    EXPECT_EQ(x.link_speed, y.link_speed);
    EXPECT_EQ(x.link_width, y.link_width);
    ASSERT_EQ(x.os_devices.size(), y.os_devices.size());
    for (std::size_t j = 0; j < x.os_devices.size(); ++j) {
      EXPECT_EQ(x.os_devices[j].name, y.os_devices[j].name);
      EXPECT_EQ(x.os_devices[j].type, y.os_devices[j].type);
      EXPECT_EQ(x.os_devices[j].subtype, y.os_devices[j].subtype);
    }
  }
  EXPECT_EQ(a.dmi_sys_vendor, b.dmi_sys_vendor);
  EXPECT_EQ(a.dmi_product_name, b.dmi_product_name);
  EXPECT_EQ(a.dmi_product_serial, b.dmi_product_serial);
  EXPECT_EQ(a.dmi_bios_vendor, b.dmi_bios_vendor);
  EXPECT_EQ(a.dmi_bios_version, b.dmi_bios_version);
  EXPECT_EQ(a.dmi_bios_date, b.dmi_bios_date);
  ASSERT_EQ(a.backends.size(), b.backends.size());
  for (std::size_t i = 0; i < a.backends.size(); ++i) {
    EXPECT_EQ(a.backends[i].name, b.backends[i].name);
    EXPECT_EQ(a.backends[i].available, b.backends[i].available);
    EXPECT_EQ(a.backends[i].reason, b.backends[i].reason);
    EXPECT_EQ(a.backends[i].runtime_version, b.backends[i].runtime_version);
  }
  ASSERT_EQ(a.devices.size(), b.devices.size());
  for (std::size_t i = 0; i < a.devices.size(); ++i) {
    const BackendDeviceInfo& x = a.devices[i];
    const BackendDeviceInfo& y = b.devices[i];
    EXPECT_EQ(x.backend, y.backend);
    EXPECT_EQ(x.index, y.index);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.vendor, y.vendor);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.pci_bus_id, y.pci_bus_id);
    EXPECT_EQ(x.driver_version, y.driver_version);
    EXPECT_EQ(x.memory_bytes, y.memory_bytes);
    EXPECT_EQ(x.compute_units, y.compute_units);
    EXPECT_EQ(x.properties, y.properties);
  }
  EXPECT_EQ(a.hwloc_version, b.hwloc_version);
  // hwloc_xml is re-serialized: compared as XML by the hwloc tests below.
}

void expect_equal(const CheckResult& a, const CheckResult& b) {
  EXPECT_EQ(a.elements, b.elements);
  EXPECT_EQ(a.nan_count, b.nan_count);
  EXPECT_EQ(a.inf_count, b.inf_count);
  EXPECT_EQ(a.wrong_count, b.wrong_count);
  EXPECT_SAME(a.max_abs_error, b.max_abs_error);
  EXPECT_SAME(a.max_rel_error, b.max_rel_error);
  EXPECT_SAME(a.nmse, b.nmse);
  EXPECT_EQ(a.worst_index, b.worst_index);
  EXPECT_SAME(a.worst_value, b.worst_value);
  EXPECT_SAME(a.worst_reference, b.worst_reference);
  EXPECT_SAME(a.worst_bound, b.worst_bound);
  EXPECT_EQ(a.guard_bytes_touched, b.guard_bytes_touched);
  EXPECT_SAME(a.tolerance.c, b.tolerance.c);
  EXPECT_SAME(a.tolerance.u_acc, b.tolerance.u_acc);
  EXPECT_SAME(a.tolerance.u_out, b.tolerance.u_out);
  EXPECT_SAME(a.tolerance.g, b.tolerance.g);
  EXPECT_EQ(a.tolerance.g_formula, b.tolerance.g_formula);
  EXPECT_SAME(a.tolerance.tiny, b.tolerance.tiny);
  EXPECT_EQ(a.tolerance.exact, b.tolerance.exact);
  EXPECT_EQ(a.passed, b.passed);
  EXPECT_EQ(a.reason, b.reason);
}

void expect_equal(const TimingStats& a, const TimingStats& b) {
  ASSERT_EQ(a.samples_ms.size(), b.samples_ms.size());
  for (std::size_t i = 0; i < a.samples_ms.size(); ++i)
    EXPECT_SAME(a.samples_ms[i], b.samples_ms[i]);
  EXPECT_EQ(a.warmups, b.warmups);
  EXPECT_SAME(a.median_ms, b.median_ms);
  EXPECT_SAME(a.min_ms, b.min_ms);
  EXPECT_SAME(a.max_ms, b.max_ms);
  EXPECT_SAME(a.mean_ms, b.mean_ms);
  EXPECT_SAME(a.cv, b.cv);
  EXPECT_SAME(a.max_cv, b.max_cv);
  EXPECT_EQ(a.noisy, b.noisy);
  EXPECT_EQ(a.timer, b.timer);
}

void expect_equal(const CaseResult& a, const CaseResult& b) {
  SCOPED_TRACE("case " + a.id);
  EXPECT_EQ(a.id, b.id);
  ASSERT_EQ(a.spec.spec.index(), b.spec.spec.index());
  if (const auto* x = std::get_if<GemmSpec>(&a.spec.spec)) {
    const auto& y = std::get<GemmSpec>(b.spec.spec);
    EXPECT_EQ(x->m, y.m);
    EXPECT_EQ(x->n, y.n);
    EXPECT_EQ(x->k, y.k);
    EXPECT_EQ(x->layout, y.layout);
    EXPECT_EQ(x->dtype, y.dtype);
    EXPECT_SAME(x->alpha, y.alpha);
    EXPECT_SAME(x->beta, y.beta);
  } else if (std::holds_alternative<AttentionSpec>(a.spec.spec)) {
    const auto& p = std::get<AttentionSpec>(a.spec.spec);
    const auto& q = std::get<AttentionSpec>(b.spec.spec);
    EXPECT_EQ(p.batch, q.batch);
    EXPECT_EQ(p.q_heads, q.q_heads);
    EXPECT_EQ(p.kv_heads, q.kv_heads);
    EXPECT_EQ(p.q_len, q.q_len);
    EXPECT_EQ(p.kv_len, q.kv_len);
    EXPECT_EQ(p.head_dim, q.head_dim);
    EXPECT_EQ(p.causal, q.causal);
    EXPECT_EQ(p.dtype, q.dtype);
    EXPECT_SAME(p.softmax_scale(), q.softmax_scale());
  } else {
    const auto& c = std::get<CollectiveSpec>(a.spec.spec);
    const auto& d = std::get<CollectiveSpec>(b.spec.spec);
    EXPECT_EQ(c.op, d.op);
    EXPECT_EQ(c.reduce, d.reduce);
    EXPECT_EQ(c.ranks, d.ranks);
    EXPECT_EQ(c.count, d.count);
    EXPECT_EQ(c.dtype, d.dtype);
    EXPECT_EQ(c.root, d.root);
  }
  EXPECT_EQ(a.spec.seed, b.spec.seed);
  EXPECT_EQ(a.backend, b.backend);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.device_name, b.device_name);
  EXPECT_EQ(a.impl, b.impl);
  EXPECT_EQ(a.inputs_sha256, b.inputs_sha256);
  EXPECT_EQ(a.verdict, b.verdict);
  EXPECT_EQ(a.reason, b.reason);
  ASSERT_EQ(a.check.has_value(), b.check.has_value());
  if (a.check) expect_equal(*a.check, *b.check);
  EXPECT_EQ(a.test_id, b.test_id);
  EXPECT_EQ(a.blocker, b.blocker);
  EXPECT_EQ(a.waiver, b.waiver);
  ASSERT_EQ(a.consistency.has_value(), b.consistency.has_value());
  if (a.consistency) {
    EXPECT_EQ(a.consistency->runs, b.consistency->runs);
    EXPECT_EQ(a.consistency->mismatched_runs, b.consistency->mismatched_runs);
    EXPECT_EQ(a.consistency->mismatched_bytes, b.consistency->mismatched_bytes);
    EXPECT_EQ(a.consistency->seconds, b.consistency->seconds);
  }
  ASSERT_EQ(a.thresholds.size(), b.thresholds.size());
  for (std::size_t i = 0; i < a.thresholds.size(); ++i) {
    EXPECT_EQ(a.thresholds[i].tier, b.thresholds[i].tier);
    EXPECT_EQ(a.thresholds[i].kind, b.thresholds[i].kind);
    EXPECT_EQ(a.thresholds[i].description, b.thresholds[i].description);
    EXPECT_EQ(a.thresholds[i].limit, b.thresholds[i].limit);
    EXPECT_EQ(a.thresholds[i].measured, b.thresholds[i].measured);
    EXPECT_EQ(a.thresholds[i].unit, b.thresholds[i].unit);
    EXPECT_EQ(a.thresholds[i].status, b.thresholds[i].status);
  }
  ASSERT_EQ(a.timing.has_value(), b.timing.has_value());
  if (a.timing) expect_equal(*a.timing, *b.timing);
  EXPECT_SAME(a.gflops, b.gflops);
  ASSERT_EQ(a.bandwidth.has_value(), b.bandwidth.has_value());
  if (a.bandwidth) {
    EXPECT_SAME(a.bandwidth->bytes, b.bandwidth->bytes);
    EXPECT_SAME(a.bandwidth->algbw_gbps, b.bandwidth->algbw_gbps);
    EXPECT_SAME(a.bandwidth->busbw_gbps, b.bandwidth->busbw_gbps);
    EXPECT_SAME(a.bandwidth->bus_factor, b.bandwidth->bus_factor);
    EXPECT_SAME(a.bandwidth->latency_us, b.bandwidth->latency_us);
  }
}

void expect_equal(const Report& a, const Report& b) {
  EXPECT_EQ(a.schema_version, b.schema_version);
  EXPECT_EQ(a.report_id, b.report_id);
  EXPECT_EQ(a.tool_version, b.tool_version);
  EXPECT_EQ(a.git_revision, b.git_revision);
  EXPECT_EQ(a.created_utc, b.created_utc);
  EXPECT_EQ(a.command_line, b.command_line);
  expect_equal(a.inventory, b.inventory);
  ASSERT_EQ(a.job.has_value(), b.job.has_value());
  if (a.job) {
    EXPECT_EQ(a.job->ranks, b.job->ranks);
    ASSERT_EQ(a.job->hosts.size(), b.job->hosts.size());
    for (std::size_t i = 0; i < a.job->hosts.size(); ++i) {
      EXPECT_EQ(a.job->hosts[i].hostname, b.job->hosts[i].hostname);
      EXPECT_EQ(a.job->hosts[i].ranks, b.job->hosts[i].ranks);
      ASSERT_EQ(a.job->hosts[i].inventory.has_value(), b.job->hosts[i].inventory.has_value());
      if (a.job->hosts[i].inventory) {
        expect_equal(*a.job->hosts[i].inventory, *b.job->hosts[i].inventory);
      }
    }
  }
  ASSERT_EQ(a.cases.size(), b.cases.size());
  for (std::size_t i = 0; i < a.cases.size(); ++i) expect_equal(a.cases[i], b.cases[i]);
  EXPECT_EQ(a.summary.total, b.summary.total);
  EXPECT_EQ(a.summary.passed, b.summary.passed);
  EXPECT_EQ(a.summary.failed, b.summary.failed);
  EXPECT_EQ(a.summary.skipped, b.summary.skipped);
  EXPECT_EQ(a.summary.not_supported, b.summary.not_supported);
  EXPECT_EQ(a.summary.errors, b.summary.errors);
  EXPECT_EQ(a.summary.verdict, b.summary.verdict);
  ASSERT_EQ(a.profile.has_value(), b.profile.has_value());
  if (a.profile) {
    EXPECT_EQ(a.profile->id, b.profile->id);
    EXPECT_EQ(a.profile->version, b.profile->version);
    EXPECT_EQ(a.profile->policy_version, b.profile->policy_version);
    EXPECT_EQ(a.profile->sha256, b.profile->sha256);
    EXPECT_EQ(a.profile->source, b.profile->source);
  }
  ASSERT_EQ(a.certification.has_value(), b.certification.has_value());
  if (a.certification) {
    EXPECT_EQ(a.certification->verdict, b.certification->verdict);
    EXPECT_EQ(a.certification->highest_tier, b.certification->highest_tier);
    EXPECT_EQ(a.certification->reasons, b.certification->reasons);
    EXPECT_EQ(a.certification->baseline_report_id, b.certification->baseline_report_id);
    ASSERT_EQ(a.certification->tiers.size(), b.certification->tiers.size());
    for (std::size_t i = 0; i < a.certification->tiers.size(); ++i) {
      EXPECT_EQ(a.certification->tiers[i].id, b.certification->tiers[i].id);
      EXPECT_EQ(a.certification->tiers[i].met, b.certification->tiers[i].met);
      EXPECT_EQ(a.certification->tiers[i].reason, b.certification->tiers[i].reason);
    }
  }
}

// ---- fixture: a scratch folder per test

class ReportXml : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("aicert-report-test-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (std::getenv("AICERT_KEEP_TEST_FILES") != nullptr) return;
    // Folders a test made read-only must be writable again to be removed.
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto it = fs::recursive_directory_iterator(dir_, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec))
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(dir_, ec);
  }
  void require_xmllint() {
    if (!have_xmllint()) GTEST_SKIP() << "xmllint (libxml2-utils) is not installed";
  }
  // Expects read_report_xml(file) to throw "file:line: ..." with `what` in the message.
  void expect_parse_error(const fs::path& file, int line, const std::string& what) {
    try {
      read_report_xml(file.string());
      ADD_FAILURE() << "no ReportParseError for " << file;
    } catch (const ReportParseError& e) {
      const std::string msg = e.what();
      const std::string prefix = file.string() + ":" + std::to_string(line) + ": ";
      EXPECT_EQ(msg.rfind(prefix, 0), 0u) << "message: " << msg << "\nexpected prefix: " << prefix;
      EXPECT_NE(msg.find(what, prefix.size()), std::string::npos)
          << "message: " << msg << "\nlacks: " << what;
    }
  }
  fs::path dir_;
};

// ---- round trip

TEST_F(ReportXml, EveryFieldSurvivesWriteValidateRead) {
  const Report report = rich_report();
  const fs::path file = dir_ / "report.xml";
  write_report_xml(report, file.string());
  if (have_xmllint()) EXPECT_VALID(file);
  const Report back = read_report_xml(file.string());
  expect_equal(report, back);
  EXPECT_EQ(back.summary.total, 7);  // gemm x5, attention, collective
  EXPECT_EQ(back.summary.failed, 2);
  EXPECT_EQ(back.summary.verdict, "FAIL");
}

// The machine id (what `aicert fleet` groups by) survives the round trip and redaction, which
// drops the host name beside it; a report without one (older versions) reads back as unknown.
TEST_F(ReportXml, MachineIdSurvivesWriteValidateReadAndRedaction) {
  Report report = rich_report();
  report.inventory.machine_id = "m-0123456789abcdef0123456789abcdef";
  report.inventory.machine_id_source = "dmi-product-uuid";
  redact_inventory(report.inventory);
  const fs::path file = dir_ / "report.xml";
  write_report_xml(report, file.string());
  if (have_xmllint()) EXPECT_VALID(file);
  const Report back = read_report_xml(file.string());
  EXPECT_EQ(back.inventory.hostname, kRedacted);
  EXPECT_EQ(back.inventory.machine_id, "m-0123456789abcdef0123456789abcdef");
  EXPECT_EQ(back.inventory.machine_id_source, "dmi-product-uuid");
  EXPECT_EQ(read_report_xml(fs::path(kData).append("golden-report.xml").string()).inventory.machine_id,
            kUnknown);
}

// pci.ids names are optional attributes: written when known (and valid against the XSD), read
// back as they were, absent for a device without them, so older reports read as before.
TEST_F(ReportXml, PciNamesSurviveWriteValidateReadAndRedaction) {
  Report report = rich_report();
  PciDeviceInfo& gpu = report.inventory.pci_devices.at(0);
  gpu.vendor_name = "NVIDIA Corporation";
  gpu.device_name = "GH100 [H100 SXM5 80GB] <\"&'>";
  PciDeviceInfo vendor_only = report.inventory.pci_devices.at(1);
  vendor_only.bus_id = "0000:00:01.0";
  vendor_only.vendor_id = 0x1af4;
  vendor_only.vendor_name = "Red Hat, Inc.";
  report.inventory.pci_devices.push_back(vendor_only);
  redact_inventory(report.inventory);  // names say what, not which: they stay
  EXPECT_EQ(report.inventory.pci_devices[0].vendor_name, "NVIDIA Corporation");
  const fs::path file = dir_ / "report.xml";
  write_report_xml(report, file.string());
  if (have_xmllint()) EXPECT_VALID(file);
  const std::string xml = read_file(file);
  EXPECT_NE(xml.find("name=\"NVIDIA Corporation GH100 [H100 SXM5 80GB]\" vendor-name=\"NVIDIA "
                     "Corporation\" device-name=\"GH100 [H100 SXM5 80GB] &lt;&quot;&amp;'>\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("vendor-name=\"Red Hat, Inc.\" link-speed-gbps"), std::string::npos) << xml;
  // The device pci.ids did not name writes exactly as before names existed.
  EXPECT_NE(xml.find("class-name=\"Ethernet controller\" name=\"\" link-speed-gbps"),
            std::string::npos)
      << xml;
  const Report back = read_report_xml(file.string());
  expect_equal(report, back);
  ASSERT_EQ(back.inventory.pci_devices.size(), 3u);
  EXPECT_EQ(back.inventory.pci_devices[0].device_name, "GH100 [H100 SXM5 80GB] <\"&'>");
  EXPECT_EQ(back.inventory.pci_devices[1].vendor_name, "");
  EXPECT_EQ(back.inventory.pci_devices[2].vendor_name, "Red Hat, Inc.");
  EXPECT_EQ(back.inventory.pci_devices[2].device_name, "");
  // Through the MPI job's inventory exchange too.
  expect_equal(report.inventory, inventory_from_xml(inventory_to_xml(report.inventory), "rank 1"));
}

// An MPI job's report: the reporting host by name and ranks, every other host with its own
// inventory (what rank 0 gathered).
TEST_F(ReportXml, JobHostsWithTheirInventoriesSurviveWriteValidateRead) {
  Report report = rich_report();
  JobInfo& job = report.job.emplace();
  job.ranks = 3;
  job.hosts.push_back({report.inventory.hostname, "0,2", std::nullopt});
  Inventory other = report.inventory;
  other.hostname = "node-b";
  other.cpu_model = "Other CPU";
  other.total_memory_bytes = 1ull << 40;
  job.hosts.push_back({"node-b", "1", other});
  const fs::path file = dir_ / "report.xml";
  write_report_xml(report, file.string());
  if (have_xmllint()) EXPECT_VALID(file);
  const Report back = read_report_xml(file.string());
  expect_equal(report, back);
  ASSERT_TRUE(back.job.has_value());
  EXPECT_EQ(back.job->ranks, 3);
  ASSERT_EQ(back.job->hosts.size(), 2u);
  EXPECT_EQ(back.job->hosts[0].hostname, report.inventory.hostname);
  EXPECT_EQ(back.job->hosts[0].ranks, "0,2");
  EXPECT_FALSE(back.job->hosts[0].inventory.has_value());
  EXPECT_EQ(back.job->hosts[1].ranks, "1");
  ASSERT_TRUE(back.job->hosts[1].inventory.has_value());
  expect_equal(other, *back.job->hosts[1].inventory);
}

TEST(InventoryText, RoundTripsAndNamesTheSenderOnError) {
  const Inventory inv = rich_report().inventory;
  expect_equal(inv, inventory_from_xml(inventory_to_xml(inv), "rank 1"));
  try {
    inventory_from_xml("<inventory><host hostname=\"x\"/>", "inventory of rank 3");
    ADD_FAILURE() << "a truncated inventory was accepted";
  } catch (const ReportParseError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("inventory of rank 3:1: ", 0), 0u) << e.what();
  }
  EXPECT_THROW(inventory_from_xml("<case id=\"x\"/>", "rank 2"), ReportParseError);
}

TEST_F(ReportXml, RewritingAReadReportGivesTheSameBytes) {
  const fs::path first = dir_ / "first.xml";
  const fs::path second = dir_ / "second.xml";
  write_report_xml(rich_report(), first.string());
  write_report_xml(read_report_xml(first.string()), second.string());
  EXPECT_EQ(read_file(first), read_file(second));
}

// The exact bytes of a known report: a change of format must be a conscious one (and may need
// a new schema version). AICERT_UPDATE_GOLDEN=1 rewrites the file.
TEST_F(ReportXml, MatchesGoldenFile) {
  const fs::path golden = fs::path(kData) / "golden-report.xml";
  const fs::path file = dir_ / "report.xml";
  write_report_xml(rich_report(), file.string());
  if (std::getenv("AICERT_UPDATE_GOLDEN") != nullptr)
    fs::copy_file(file, golden, fs::copy_options::overwrite_existing);
  EXPECT_EQ(read_file(file), read_file(golden)) << "writer output differs from " << golden;
}

// The golden file was written before the workload registry (issue 13): a report of that format
// still reads back through the descriptors, every workload's spec included, and writes out to
// the very same bytes.
TEST_F(ReportXml, AReportWrittenBeforeTheRegistryReadsBackUnchanged) {
  const fs::path golden = fs::path(kData) / "golden-report.xml";
  const Report r = read_report_xml(golden.string());
  std::set<std::string> workloads;
  for (const auto& c : r.cases) workloads.insert(std::string(workload_name(c.spec.spec)));
  EXPECT_EQ(workloads, (std::set<std::string>{"gemm", "attention", "collective"}));
  const fs::path file = dir_ / "again.xml";
  write_report_xml(r, file.string());
  EXPECT_EQ(read_file(file), read_file(golden));
}

// Written by hand, not by the writer: other XSD lexical forms of the same values are read.
TEST_F(ReportXml, ReadsAHandWrittenReport) {
  const fs::path file = fs::path(kData) / "hand-written-report.xml";
  if (have_xmllint()) EXPECT_VALID(file);
  const Report r = read_report_xml(file.string());
  EXPECT_EQ(r.report_id, "6b1d3c8e-2f4a-4b5c-8d9e-0a1b2c3d4e5f");
  EXPECT_EQ(r.command_line, "aicert run --workload gemm");
  EXPECT_EQ(r.inventory.pus, 8);
  EXPECT_EQ(r.inventory.cpu_features, (std::vector<std::string>{"avx2"}));
  EXPECT_TRUE(r.inventory.hwloc_xml.empty());
  ASSERT_EQ(r.cases.size(), 1u);
  const CaseResult& c = r.cases[0];
  const auto& g = std::get<GemmSpec>(c.spec.spec);
  EXPECT_EQ(g.m, 32);  // m="+32"
  EXPECT_EQ(g.layout, GemmLayout::TN);
  EXPECT_EQ(g.dtype, DType::fp16);
  EXPECT_EQ(g.alpha, 1.5e3);  // alpha="1.5E3"
  EXPECT_EQ(g.beta, 0.5);     // beta=".5"
  EXPECT_EQ(c.spec.seed, 18446744073709551615u);
  EXPECT_EQ(c.verdict, Verdict::waived);
  EXPECT_EQ(c.reason, "known issue #12");
  ASSERT_TRUE(c.check && c.timing);
  EXPECT_TRUE(c.check->passed);  // passed="1"
  EXPECT_TRUE(std::isinf(c.check->max_abs_error) && c.check->max_abs_error > 0);
  EXPECT_EQ(c.timing->samples_ms, (std::vector<double>{1.0, 2.5, 0.125}));
  EXPECT_FALSE(c.timing->noisy);  // noisy="0"
  ASSERT_TRUE(c.telemetry);
  EXPECT_EQ(c.telemetry->source, "nvml");
  EXPECT_EQ(*c.telemetry->temp_c_max, 83);  // temp-c-max="+83"
  EXPECT_TRUE(c.telemetry->throttled);      // throttled="1"
  EXPECT_FALSE(c.telemetry->mem_mhz_median);
  EXPECT_EQ(c.telemetry->throttle_reasons, (std::vector<std::string>{"thermal: 2 throttle events"}));
  EXPECT_EQ(c.telemetry->unknown, (std::vector<std::string>{"mem-mhz: Not Supported (3)"}));
  ASSERT_EQ(c.telemetry->series.size(), 1u);
  EXPECT_EQ(c.telemetry->series[0].points,
            (std::vector<std::pair<double, double>>{{0, 1980}, {0.1, 1755}, {0.2, 1980}}));
  EXPECT_EQ(r.summary.verdict, "PASS");
}

TEST(XmlLexical, DoublesRoundTripExactly) {
  std::mt19937_64 rng(2024);
  std::vector<double> values = {
      0.0,         -0.0, 0.1,  1.0 / 3.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
      -123456.789, 1e21, 1e-7, kInf,      -kInf};
  for (int i = 0; i < 2000; ++i) {
    double d;
    const std::uint64_t bits = rng();
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isnan(d)) values.push_back(d);
  }
  for (double v : values) {
    const std::string text = format_double(v);
    const std::optional<double> back = parse_double(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_SAME(*back, v);
  }
  EXPECT_EQ(format_double(kNaN), "NaN");
  EXPECT_EQ(format_double(kInf), "INF");
  EXPECT_EQ(format_double(-kInf), "-INF");
  EXPECT_TRUE(std::isnan(*parse_double("NaN")));
  EXPECT_EQ(*parse_double(" +INF "), kInf);  // XSD 1.1 form, and white space is collapsed
  // Not xs:double, though strtod would take them.
  for (const char* bad : {"", "inf", "nan", "Infinity", "-NaN", "1e", "0x1p3", "1.0.0", "1,5",
                          "--1", "+-1", "e5", "1 2"}) {
    EXPECT_FALSE(parse_double(bad).has_value()) << bad;
  }
  EXPECT_EQ(*parse_integer<int>(" +17 "), 17);
  EXPECT_FALSE(parse_integer<int>("2147483648").has_value());
  EXPECT_FALSE(parse_integer<std::uint64_t>("-1").has_value());
  EXPECT_FALSE(parse_integer<int>("12abc").has_value());
  EXPECT_EQ(format_hex16(0x10de), "0x10de");
  EXPECT_EQ(*parse_hex16("0x10DE"), 0x10de);
  EXPECT_FALSE(parse_hex16("10de").has_value());
}

TEST_F(ReportXml, StringsThatXmlCannotCarryBecomeReplacementCharacters) {
  Report report = rich_report();
  report.inventory.dmi_product_serial = std::string(
      "AB\x01"
      "C\xff"
      "D",
      6);
  report.cases[0].reason = std::string("bell\x07", 5);
  const fs::path file = dir_ / "report.xml";
  write_report_xml(report, file.string());
  if (have_xmllint()) EXPECT_VALID(file);
  const Report back = read_report_xml(file.string());
  EXPECT_EQ(back.inventory.dmi_product_serial,
            "AB\xEF\xBF\xBD"
            "C\xEF\xBF\xBD"
            "D");
  EXPECT_EQ(back.cases[0].reason, "bell\xEF\xBF\xBD");
}

// ---- hwloc's own XML

TEST_F(ReportXml, HwlocTopologyIsEmbeddedAsElementsAndImportsAgain) {
  hwloc_topology_t topo = nullptr;
  ASSERT_EQ(hwloc_topology_init(&topo), 0);
  ASSERT_EQ(hwloc_topology_load(topo), 0);
  char* xml = nullptr;
  int len = 0;
  ASSERT_EQ(hwloc_topology_export_xmlbuffer(topo, &xml, &len, 0), 0);
  Report report = rich_report();
  report.inventory.hwloc_xml.assign(xml, static_cast<std::size_t>(len > 0 ? len - 1 : 0));
  hwloc_free_xmlbuffer(topo, xml);
  const int pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
  const int cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  hwloc_topology_destroy(topo);

  const fs::path file = dir_ / "report.xml";
  write_report_xml(report, file.string());
  if (have_xmllint()) EXPECT_VALID(file);
  const std::string text = read_file(file);
  // Real elements, not escaped text.
  EXPECT_GT(line_of(text, "<hwloc-topology version=\"2.9.0\">"), 0);
  EXPECT_GT(line_of(text, "<object type=\"PU\""), 0);
  EXPECT_EQ(text.find("&lt;topology"), std::string::npos);

  const std::string back = read_report_xml(file.string()).inventory.hwloc_xml;
  hwloc_topology_t again = nullptr;
  ASSERT_EQ(hwloc_topology_init(&again), 0);
  ASSERT_EQ(hwloc_topology_set_xmlbuffer(again, back.c_str(), static_cast<int>(back.size() + 1)),
            0);
  ASSERT_EQ(hwloc_topology_load(again), 0) << back.substr(0, 400);
  EXPECT_EQ(hwloc_get_nbobjs_by_type(again, HWLOC_OBJ_PU), pus);
  EXPECT_EQ(hwloc_get_nbobjs_by_type(again, HWLOC_OBJ_CORE), cores);
  hwloc_topology_destroy(again);
}

TEST_F(ReportXml, HwlocSnippetKeepsItsTextAndAttributes) {
  const fs::path file = dir_ / "report.xml";
  write_report_xml(rich_report(), file.string());
  const std::string back = read_report_xml(file.string()).inventory.hwloc_xml;
  EXPECT_NE(back.find("<topology version=\"2.0\">"), std::string::npos) << back;
  EXPECT_NE(back.find("<u64values length=\"12\">10 21 21 10 </u64values>"), std::string::npos);
  EXPECT_NE(back.find("value=\"R&amp;D box\""), std::string::npos);
}

TEST_F(ReportXml, UnparseableHwlocXmlGivesAnEmptyElement) {
  Report report = rich_report();
  report.inventory.hwloc_xml = "<topology><object>";  // cut short
  const fs::path file = dir_ / "report.xml";
  write_report_xml(report, file.string());
  if (have_xmllint()) EXPECT_VALID(file);
  EXPECT_NE(read_file(file).find("<hwloc-topology version=\"2.9.0\" />"), std::string::npos);
  EXPECT_EQ(read_report_xml(file.string()).inventory.hwloc_xml, "");
}

// ---- inventory-only document

TEST_F(ReportXml, InventoryDocumentValidatesAndIsNotAReport) {
  const fs::path file = dir_ / "inventory.xml";
  write_inventory_xml(rich_inventory(), file.string());
  const std::string text = read_file(file);
  EXPECT_EQ(line_of(text, "<inventory schema-version=\"1\">"), 2);
  if (have_xmllint()) EXPECT_VALID(file);
  expect_parse_error(file, 2, "root element is <inventory>, expected <aicert-report>");
}

// ---- malformed input: every error says file:line: what

struct Damage {
  const char* name;
  std::function<std::string(const std::string&)> damage;  // good report text -> bad text
  std::function<int(const std::string&)> line;            // line in the bad text
  const char* what;
};

std::vector<Damage> damages() {
  const auto at = [](const char* needle) {
    return [needle](const std::string& bad) { return line_of(bad, needle); };
  };
  const auto edit = [](const char* from, const char* to) {
    return [from, to](const std::string& good) { return replace_first(good, from, to); };
  };
  return {
      {"truncated",
       [](const std::string& good) {
         // Cut mid-document, and never right after a line break (the last line must hold text).
         std::string cut = good.substr(0, good.size() / 2);
         return cut.substr(0, cut.find_last_not_of(" \n") + 1);
       },
       last_text_line, "truncated file: the XML document does not end"},
      {"truncated-in-a-tag",
       [](const std::string& good) { return good.substr(0, good.find("<summary") + 12); },
       last_text_line, "truncated file: the XML document does not end"},
      {"truncated-between-elements",
       [](const std::string& good) { return good.substr(0, good.find("<cases>") + 8); },
       last_text_line, "truncated file: the XML document does not end"},
      {"truncated-in-text",
       [](const std::string& good) { return good.substr(0, good.find("NaN in output;") + 3); },
       last_text_line, "truncated file: the XML document does not end"},
      {"empty", [](const std::string&) { return std::string(); },
       [](const std::string&) { return 1; }, "empty file"},
      {"not-xml", [](const std::string&) { return std::string("report: not xml\n{}\n"); },
       [](const std::string&) { return 1; }, "no XML element in the file"},
      {"broken-markup", edit("<cases>", "<cases>\n  <case id=\"x\" <<"), at("<<"),
       "not well-formed XML"},
      {"mismatched-end-tag", edit("</cases>", "</casez>"), at("</casez>"),
       "not well-formed XML: Start-end tags mismatch"},
      {"future-schema-version", edit("schema-version=\"1\"", "schema-version=\"2\""),
       at("schema-version"), "unsupported report schema version 2"},
      {"schema-version-not-a-number", edit("schema-version=\"1\"", "schema-version=\"one\""),
       at("schema-version"), "attribute schema-version=\"one\" is not an integer"},
      {"wrong-root",
       [](const std::string& good) {
         return replace_first(replace_first(good, "<aicert-report ", "<aicert-reports "),
                              "</aicert-report>", "</aicert-reports>");
       },
       at("<aicert-reports"), "root element is <aicert-reports>, expected <aicert-report>"},
      {"bad-integer", edit("m=\"17\"", "m=\"abc\""), at("m=\"abc\""),
       "<gemm> attribute m=\"abc\" is not an integer"},
      {"negative-extent", edit("k=\"65\"", "k=\"-65\""), at("k=\"-65\""),
       "is not an integer in [0,"},
      {"integer-overflow", edit("elements=\"4096\"", "elements=\"18446744073709551616\""),
       at("18446744073709551616"), "<check> attribute elements="},
      {"bad-double", edit("max-abs-error=\"INF\"", "max-abs-error=\"infinity\""), at("infinity"),
       "max-abs-error=\"infinity\" is not a number"},
      {"bad-sample", edit("<samples>0.2 0.9", "<samples>0.2 fast"), at("0.2 fast"),
       "<samples> item 2 \"fast\" is not a number"},
      {"bad-boolean", edit("noisy=\"true\"", "noisy=\"yes\""), at("noisy=\"yes\""),
       "noisy=\"yes\" is not true or false"},
      {"unknown-verdict", edit("verdict=\"crash\"", "verdict=\"exploded\""),
       at("verdict=\"exploded\""), "verdict=\"exploded\" is not a known verdict"},
      {"unknown-summary-verdict", edit("verdict=\"FAIL\"", "verdict=\"MAYBE\""), at("MAYBE"),
       "is not a known summary verdict"},
      {"unknown-dtype", edit("dtype=\"bf16\"", "dtype=\"fp8\""), at("dtype=\"fp8\""),
       "dtype=\"fp8\" is not a known dtype"},
      {"unknown-layout", edit("layout=\"NT\"", "layout=\"TT\""), at("layout=\"TT\""),
       "layout=\"TT\" is not a known GEMM layout"},
      {"missing-attribute", edit(" dtype=\"bf16\"", ""), at("<gemm m=\"17\""),
       "<gemm> has no attribute dtype"},
      {"missing-element", edit("<summary ", "<summery "), at("<aicert-report"),
       "<aicert-report> has no <summary> element"},
      {"missing-spec", edit("<gemm m=\"17\"", "<gemmm m=\"17\""),
       at("id=\"gemm/opencl1/opencl:tiled-8x8/bf16"),
       "<case> has no workload spec element (<gemm>, <attention>, <collective>, <stream>, <peak>)"},
      {"workload-mismatch", edit("workload=\"gemm\"", "workload=\"attention\""),
       at("workload=\"attention\""), "<case> says workload=\"attention\" but holds a <gemm>"},
      {"bad-hex-id", edit("vendor-id=\"0x10de\"", "vendor-id=\"nvidia\""), at("nvidia"),
       "not a 16-bit hex id"},
      {"bad-sha256", edit("sha256=\"9f86", "sha256=\"XX86"), at("XX86"),
       "is not a lower-case SHA-256"},
      {"duplicate-case-id",
       edit("id=\"gemm/cpu0/cpu:cblas/fp16/TN/1x1x0\"",
            "id=\"gemm/cpu0/cpu:cblas/fp32/NN/64x64x64\""),
       [](const std::string& bad) {
         return line_of(bad, "id=\"gemm/cpu0/cpu:cblas/fp32/NN/64x64x64\"", 2);
       },
       "duplicate case id"},
  };
}

TEST_F(ReportXml, MalformedReportsNameFileLineAndWhat) {
  const fs::path good_file = dir_ / "good.xml";
  write_report_xml(rich_report(), good_file.string());
  const std::string good = read_file(good_file);
  for (const Damage& d : damages()) {
    SCOPED_TRACE(d.name);
    const fs::path bad_file = dir_ / (std::string(d.name) + ".xml");
    const std::string bad = d.damage(good);
    write_file(bad_file, bad);
    const int line = d.line(bad);
    ASSERT_GT(line, 0);
    expect_parse_error(bad_file, line, d.what);
  }
}

// In a tag that spans lines, a bad attribute is named on its own line, not the tag's.
TEST_F(ReportXml, ErrorsInMultiLineTagsNameTheAttributesLine) {
  const std::string good = read_file(fs::path(kData) / "hand-written-report.xml");
  ASSERT_EQ(line_of(good, "<gemm m=\"+32\""), line_of(good, "seed=\"18446744073709551615\"") - 1);
  const fs::path file = dir_ / "bad.xml";
  write_file(file, replace_first(good, "seed=\"18446744073709551615\"", "seed=\"x\""));
  expect_parse_error(file, line_of(good, "seed=\""),
                     "<gemm> attribute seed=\"x\" is not an integer");
  write_file(file, replace_first(good, "seed=\"18446744073709551615\"", ""));
  expect_parse_error(file, line_of(good, "<gemm m="), "<gemm> has no attribute seed");
  write_file(file, replace_first(good, "worst-bound=\"0\"", "worst-bound=\"zero\""));
  expect_parse_error(file, line_of(good, "worst-bound="), "worst-bound=\"zero\" is not a number");
}

TEST_F(ReportXml, MissingFileIsAParseErrorNamingIt) {
  const fs::path file = dir_ / "absent.xml";
  try {
    read_report_xml(file.string());
    FAIL() << "no error";
  } catch (const ReportParseError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(file.string() + ": cannot open", 0), 0u) << e.what();
  }
}

// ---- the schema itself rejects what the reader rejects

TEST_F(ReportXml, SchemaRejectsWhatIsNotAReport) {
  require_xmllint();
  const fs::path good_file = dir_ / "good.xml";
  write_report_xml(rich_report(), good_file.string());
  const std::string good = read_file(good_file);
  const std::vector<std::pair<const char*, const char*>> edits = {
      {"verdict=\"crash\"", "verdict=\"exploded\""},
      {"schema-version=\"1\"", "schema-version=\"2\""},
      {"m=\"17\"", "m=\"abc\""},
      {"max-abs-error=\"INF\"", "max-abs-error=\"infinity\""},
      {"dtype=\"bf16\"", "dtype=\"fp8\""},
      {" dtype=\"bf16\"", ""},
      {"<summary ", "<summery "},
      {"vendor-id=\"0x10de\"", "vendor-id=\"0x10DEAD\""},
      {"id=\"gemm/cpu0/cpu:cblas/fp16/TN/1x1x0\"", "id=\"gemm/cpu0/cpu:cblas/fp32/NN/64x64x64\""},
      {"<samples>0.2 0.9", "<samples>0.2 fast"},
      {"created=\"2026-11-22T07:30:00Z\"", "created=\"yesterday\""},
  };
  for (const auto& [from, to] : edits) {
    SCOPED_TRACE(std::string(from) + " -> " + to);
    const fs::path bad_file = dir_ / "bad.xml";
    write_file(bad_file, replace_first(good, from, to));
    std::string log;
    EXPECT_NE(xmllint(bad_file, &log), 0) << "xmllint accepted it";
  }
}

// ---- atomic write

bool only_entry_is(const fs::path& dir, const fs::path& name) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename() != name) return false;
    ++n;
  }
  return n == 1;
}

TEST_F(ReportXml, FailedWriteLeavesTheExistingFileIntact) {
  const fs::path file = dir_ / "report.xml";
  Report small = rich_report();
  small.cases.clear();
  small.inventory = Inventory{};
  write_report_xml(small, file.string());
  const std::string before = read_file(file);

  // A disk that fills up mid-write: the file-size limit makes write() fail with EFBIG.
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  rlimit tight = old;
  tight.rlim_cur = before.size() + 100;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tight), 0);
  std::string message;
  try {
    write_report_xml(rich_report(), file.string());
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
  std::signal(SIGXFSZ, SIG_DFL);

  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("File too large"), std::string::npos) << message;
  EXPECT_EQ(read_file(file), before);
  EXPECT_TRUE(only_entry_is(dir_, "report.xml")) << "temporary file left behind";
}

TEST_F(ReportXml, WritingOverAFolderFailsAndKeepsIt) {
  const fs::path target = dir_ / "report.xml";
  fs::create_directory(target);
  write_file(target / "keep", "x");
  try {
    write_report_xml(rich_report(), target.string());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write " + target.string()), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read_file(target / "keep"), "x");
  EXPECT_TRUE(only_entry_is(dir_, "report.xml")) << "temporary file left behind";
}

TEST_F(ReportXml, WritingIntoAMissingFolderFailsNamingThePath) {
  const fs::path target = dir_ / "no" / "such" / "r.xml";
  try {
    write_report_xml(rich_report(), target.string());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write " + target.string()), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos)
        << e.what();
  }
}

TEST_F(ReportXml, WritingIntoAReadOnlyFolderFails) {
  const fs::path ro = dir_ / "ro";
  fs::create_directory(ro);
  write_file(ro / "report.xml", "old");
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  if (::access(ro.c_str(), W_OK) == 0) GTEST_SKIP() << "running as root: permissions not enforced";
  EXPECT_THROW(write_report_xml(rich_report(), (ro / "report.xml").string()), std::runtime_error);
  EXPECT_EQ(read_file(ro / "report.xml"), "old");
}

}  // namespace
}  // namespace aicert
