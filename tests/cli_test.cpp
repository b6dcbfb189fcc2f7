// The aicert executable end to end: help, exit codes, bad input, list, probe, run, reports
// that validate against the XSD, a faulty backend caught by the checker, plugin discovery
// from the build tree and from an install.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/report_xml.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

using CliTest = TempDirTest;

TEST_F(CliTest, HelpExplainsEveryCommandAndOption) {
  const Outcome top = aicert("--help");
  EXPECT_EQ(top.exit_code, 0);
  for (const char* word : {"probe", "list", "run", "Exit codes"}) {
    EXPECT_NE(top.output.find(word), std::string::npos) << word;
  }
  const Outcome run = aicert("run --help");
  EXPECT_EQ(run.exit_code, 0);
  for (const char* option : {"--workload", "--backend", "--device", "--impl", "--shape", "--dtype",
                             "--layout", "--causal", "--alpha", "--beta", "--seed", "--warmups",
                             "--min-reps", "--min-time-ms", "--max-cv", "--out"}) {
    EXPECT_NE(run.output.find(option), std::string::npos) << option;
  }
  EXPECT_NE(aicert("probe --help").output.find("--xml"), std::string::npos);
  EXPECT_EQ(aicert("list --help").exit_code, 0);
  EXPECT_EQ(aicert("--version").exit_code, 0);
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(aicert("").exit_code, 2);
  EXPECT_EQ(aicert("frobnicate").exit_code, 2);
  EXPECT_EQ(aicert("run --no-such-option").exit_code, 2);
  EXPECT_EQ(aicert("run --min-reps many").exit_code, 2);
}

TEST_F(CliTest, BadRunInputIsRejectedBeforeAnythingRuns) {
  struct Bad {
    std::string args;
    std::string message;
  };
  const std::vector<Bad> cases{
      {"--backend nosuch", "unknown backend 'nosuch'"},
      {"--workload nosuch", "unknown workload 'nosuch'"},
      {"--dtype fp8", "unknown dtype 'fp8'"},
      {"--layout XY --shape 8x8x8", "unknown layout 'XY'"},
      {"--shape 0x8x8", "must be positive"},
      {"--shape=-4x8x8", "must be positive"},
      {"--shape 8x8x-1", "must not be negative"},
      {"--shape 8x8", "three dimensions"},
      {"--shape 8xbx8", "not MxNxK"},
      {"--shape 99999999999999999999x1x1", "64-bit"},
      {"--shape 3037000500x3037000500x1", "2^31-1"},
      {"--shape 40000x40000x40000", "GiB"},
      {"--backend cpu --device 7", "no device 7"},
      {"--impl cpu:nosuch", "no selected backend has an implementation 'cpu:nosuch'"},
      {"--min-reps 0", "minimum repetitions"},
      {"--max-cv 0", "maximum CV"},
      {"--alpha nan", "finite"},
      {"--shape 1,6,4,8,64", "must divide Hq"},
      {"--shape 1,2,2,9,64,4 --causal", "Sq <= Sk"},
      {"--shape 1,2,2,8,300", "at most 256"},
      {"--workload gemm --shape 1,2,2,8,64", "is a shape of workload attention"},
  };
  for (const auto& c : cases) {
    const std::string out = path("report.xml");
    const Outcome o = aicert("run " + c.args + " --out " + out);
    EXPECT_EQ(o.exit_code, 2) << c.args << "\n" << o.output;
    EXPECT_NE(o.output.find(c.message), std::string::npos) << c.args << "\n" << o.output;
    EXPECT_EQ(o.output.find("cases"), std::string::npos) << "ran despite bad input: " << c.args;
    EXPECT_FALSE(fs::exists(out)) << c.args;
  }
  const Outcome dir = aicert("run --backend cpu --out " + path("missing/dir/report.xml"));
  EXPECT_EQ(dir.exit_code, 2);
  EXPECT_NE(dir.output.find("does not exist"), std::string::npos) << dir.output;
}

TEST_F(CliTest, BadInputLeavesAnExistingReportUntouched) {
  const std::string out = path("report.xml");
  { std::ofstream(out) << "precious"; }
  EXPECT_EQ(aicert("run --dtype fp8 --out " + out).exit_code, 2);
  std::ifstream in(out);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), "precious");
}

TEST_F(CliTest, ListShowsBackendsDevicesAndImplementations) {
  const Outcome o = aicert("list");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("cpu: available"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("cpu:blocked"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("cpu:cblas"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("device 0:"), std::string::npos) << o.output;
  // No plugin for level_zero is ever built on this machine: reported, not fatal.
  EXPECT_NE(o.output.find("level_zero: unavailable: plugin aicert-backend-level_zero.so not found"),
            std::string::npos)
      << o.output;
}

TEST_F(CliTest, PluginsAreFoundRelativeToTheBinaryWithoutEnvironment) {
  const Outcome o = aicert("list", "env -u AICERT_PLUGIN_PATH");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("cpu: available"), std::string::npos) << o.output;
}

TEST_F(CliTest, PluginOfAnotherApiVersionIsUnavailableWithReason) {
  const std::string env = "AICERT_PLUGIN_PATH=" + std::string(AICERT_BINARY_DIR) +
                          "/tests/plugins-stale:" + AICERT_PLUGIN_DIR;
  const Outcome o = aicert("list", env);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("opencl: unavailable:"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("plugin API version 999"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("cpu: available"), std::string::npos) << o.output;
}

TEST_F(CliTest, ProbeTextAndXmlInventoryValidate) {
  const std::string xml = path("inventory.xml");
  const Outcome o = aicert("probe --xml " + xml);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_FALSE(o.output.empty());
  ASSERT_TRUE(fs::exists(xml));
  expect_valid_against_schema(xml);
  std::ifstream in(xml);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_NE(content.str().find("<topology"), std::string::npos) << "hwloc XML not embedded";
}

TEST_F(CliTest, RunOneShapeWritesAValidReport) {
  const std::string out = path("report.xml");
  const Outcome o = aicert("run --backend cpu --shape 64x48x40 --dtype fp32 --layout NT "
                           "--beta 0.5 --min-time-ms 5 --out " + out);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("pass"), std::string::npos);
  EXPECT_NE(o.output.find("gemm/cpu0/cpu:blocked/fp32/NT/64x48x40"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("GFLOP/s"), std::string::npos);
  EXPECT_NE(o.output.find("report: " + out), std::string::npos) << o.output;
  expect_valid_against_schema(out);
  const Report r = read_report_xml(out);
  ASSERT_EQ(r.cases.size(), 3u);  // cpu:blocked, cpu:cblas and cpu:onednn
  for (const auto& c : r.cases) {
    EXPECT_EQ(c.verdict, Verdict::pass) << c.id << ": " << c.reason;
    ASSERT_TRUE(c.timing.has_value());
    EXPECT_GE(c.timing->samples_ms.size(), 5u);
    ASSERT_TRUE(c.check.has_value());
    EXPECT_EQ(c.check->tolerance.g_formula, "sqrt(K)+2");
    EXPECT_EQ(c.inputs_sha256.size(), 64u);
  }
  EXPECT_EQ(r.summary.verdict, "PASS");
  EXPECT_FALSE(r.inventory.backends.empty());
}

TEST_F(CliTest, RunAttentionWritesAValidReport) {
  const std::string out = path("report.xml");
  const Outcome o = aicert("run --workload attention --backend cpu --impl cpu:flash "
                           "--shape 1,4,2,70,64,90 --causal --dtype bf16 --min-time-ms 1 --out " + out);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("attention/cpu0/cpu:flash/bf16/causal/1,4,2,70,64,90"),
            std::string::npos)
      << o.output;
  expect_valid_against_schema(out);
  const Report r = read_report_xml(out);
  ASSERT_EQ(r.cases.size(), 1u);
  const CaseResult& c = r.cases[0];
  EXPECT_EQ(c.verdict, Verdict::pass) << c.reason;
  const auto& a = std::get<AttentionSpec>(c.spec.spec);
  EXPECT_TRUE(a.causal);
  EXPECT_EQ(a.kv_len, 90);
  EXPECT_DOUBLE_EQ(a.softmax_scale(), 0.125);
  ASSERT_TRUE(c.check.has_value());
  EXPECT_NE(c.check->tolerance.g_formula.find("L_row"), std::string::npos);
  EXPECT_GT(c.gflops, 0.0);
}

TEST_F(CliTest, CollectiveRunPrintsBandwidthsAndWritesThemIntoTheReport) {
  const std::string out = path("report.xml");
  const Outcome o = aicert("run --workload collective --op allreduce --backend cpu --ranks 2 "
                           "--min-bytes 8 --max-bytes 100000 --size-factor 4 --dtype fp32,bf16 "
                           "--min-time-ms 1 --out " + out);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("collective/cpu0/cpu:shm/fp32/allreduce-sum/r2/8B"), std::string::npos)
      << o.output;
  for (const char* word : {" B ", " us ", "algbw", "busbw"}) {
    EXPECT_NE(o.output.find(word), std::string::npos) << word;
  }
  expect_valid_against_schema(out);
  const Report r = read_report_xml(out);
  ASSERT_EQ(r.cases.size(), 14u);  // 7 sizes (8 B .. 32 KiB by 4) x 2 dtypes
  for (const auto& c : r.cases) {
    EXPECT_EQ(c.verdict, Verdict::pass) << c.id << ": " << c.reason;
    ASSERT_TRUE(c.bandwidth.has_value()) << c.id;
    ASSERT_TRUE(c.timing.has_value());
    EXPECT_DOUBLE_EQ(c.bandwidth->bus_factor, 1.0);  // allreduce on 2 ranks: 2(n-1)/n
    EXPECT_NEAR(c.bandwidth->algbw_gbps, c.bandwidth->bytes / (c.timing->median_ms * 1e6),
                1e-9 * c.bandwidth->algbw_gbps);
    EXPECT_TRUE(c.check->tolerance.exact);
  }
  EXPECT_EQ(aicert("run --workload collective --op allsum --backend cpu --out " + out).exit_code, 2);
  EXPECT_EQ(aicert("run --workload collective --shape 8x8x8 --backend cpu --out " + out).exit_code,
            2);
}

TEST_F(CliTest, DefaultSetRunsOnEveryShapeDtypeAndImplementation) {
  const std::string out = path("report.xml");
  const Outcome o = aicert("run --backend cpu --warmups 0 --min-reps 1 --min-time-ms 0 --out " +
                           out);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const Report r = read_report_xml(out);
  // GEMM: 3 shapes x 3 dtypes x 3 implementations; CBLAS offers no fp16 (and no bf16 on
  // Debian), oneDNN no 16-bit types below avx512_core. Attention: 3 shapes x 3 dtypes x
  // cpu:flash and cpu:onednn.
  ASSERT_EQ(r.cases.size(), 45u);
  int passed = 0, attention = 0;
  for (const auto& c : r.cases) {
    if (c.verdict == Verdict::pass) ++passed;
    if (c.impl == "cpu:blocked" || c.impl == "cpu:flash") {
      EXPECT_EQ(c.verdict, Verdict::pass) << c.id << ": " << c.reason;
    }
    if (c.verdict == Verdict::not_supported) {
      EXPECT_FALSE(c.reason.empty()) << c.id;
    }
    if (c.id.rfind("attention/cpu0/cpu:flash/", 0) == 0) ++attention;
  }
  EXPECT_EQ(attention, 9);
  EXPECT_GE(passed, 21);
}

TEST_F(CliTest, WrongResultsFailAndExitOne) {
  const std::string env =
      "AICERT_PLUGIN_PATH=" + std::string(AICERT_BINARY_DIR) + "/tests/plugins-faulty";
  const std::string out = path("report.xml");
  const Outcome o = aicert("run --backend cpu --shape 16x8x4 --dtype bf16 --min-time-ms 0 --out " +
                           out, env);
  EXPECT_EQ(o.exit_code, 1) << o.output;
  expect_valid_against_schema(out);
  const Report r = read_report_xml(out);
  ASSERT_EQ(r.cases.size(), 4u);
  std::map<std::string, CaseResult> by_impl;
  for (const auto& c : r.cases) by_impl[c.impl] = c;
  EXPECT_EQ(by_impl["test:correct"].verdict, Verdict::pass) << by_impl["test:correct"].reason;
  EXPECT_EQ(by_impl["test:wrong-element"].verdict, Verdict::fail);
  EXPECT_EQ(by_impl["test:wrong-element"].check->wrong_count, 1u);
  EXPECT_EQ(by_impl["test:out-of-bounds"].verdict, Verdict::fail);
  EXPECT_GT(by_impl["test:out-of-bounds"].check->guard_bytes_touched, 0u);
  EXPECT_EQ(by_impl["test:throws"].verdict, Verdict::error);
  EXPECT_NE(by_impl["test:throws"].reason.find("OUT_OF_MEMORY"), std::string::npos);
  EXPECT_EQ(r.summary.verdict, "FAIL");
  EXPECT_NE(o.output.find("FAIL"), std::string::npos);
}

// On a device off the host the fp64 reference is computed while the device runs the timed
// repetitions; the wrong element is still caught, and the report says how the reference was had.
TEST_F(CliTest, ReferenceOverlappedOffTheHostStillCatchesWrongResults) {
  for (const char* kind : {"accelerator", "cpu"}) {
    SCOPED_TRACE(kind);
    const std::string env = "AICERT_PLUGIN_PATH=" + std::string(AICERT_BINARY_DIR) +
                            "/tests/plugins-faulty AICERT_TEST_DEVICE_KIND=" + kind;
    const std::string out = path(std::string("report-") + kind + ".xml");
    const Outcome o = aicert("run --backend cpu --shape 33x17x64 --dtype fp32 --min-time-ms 0 "
                             "--out " + out, env);
    EXPECT_EQ(o.exit_code, 1) << o.output;
    expect_valid_against_schema(out);
    const Report r = read_report_xml(out);
    std::map<std::string, CaseResult> by_impl;
    for (const auto& c : r.cases) by_impl[c.impl] = c;
    const std::string mode = std::string(kind) == "cpu" ? "before-timing" : "overlapped";
    for (const char* impl : {"test:correct", "test:wrong-element", "test:out-of-bounds"}) {
      ASSERT_TRUE(by_impl[impl].timing) << impl;
      EXPECT_EQ(by_impl[impl].timing->reference, mode) << impl;
      EXPECT_GT(by_impl[impl].timing->case_wall_ms, 0) << impl;
    }
    EXPECT_EQ(by_impl["test:correct"].verdict, Verdict::pass) << by_impl["test:correct"].reason;
    // The first case computes the reference; the cases after it share it.
    EXPECT_EQ(by_impl["test:correct"].timing->reference_source, "computed");
    EXPECT_EQ(by_impl["test:wrong-element"].timing->reference_source, "cached-in-memory");
    EXPECT_EQ(by_impl["test:wrong-element"].verdict, Verdict::fail);
    EXPECT_EQ(by_impl["test:wrong-element"].check->wrong_count, 1u);
    EXPECT_EQ(by_impl["test:out-of-bounds"].verdict, Verdict::fail);
  }
}

TEST_F(CliTest, InstalledBinaryFindsItsPlugins) {
  const std::string prefix = path("prefix");
  const Outcome install = shell("cmake --install " + std::string(AICERT_BINARY_DIR) +
                                " --prefix " + prefix);
  ASSERT_EQ(install.exit_code, 0) << install.output;
  const Outcome o = shell("env -u AICERT_PLUGIN_PATH " + prefix + "/bin/aicert list");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("cpu: available"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find(prefix), std::string::npos) << "plugin path not under the prefix";
}

}  // namespace
}  // namespace aicert
