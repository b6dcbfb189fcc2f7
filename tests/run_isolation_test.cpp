// `aicert run` isolates its cases like certify: a kernel that crashes (the crashing test plugin,
// a CBLAS that faults) or hangs becomes a crash/timeout line with the tail of its stderr, the
// remaining cases still run and the report is written; --in-process runs them in aicert's own
// process, where the same crash ends the run.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "reports/report_xml.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

const std::string kCrashingPlugins =
    "AICERT_PLUGIN_PATH=" + std::string(AICERT_BINARY_DIR) + "/tests/plugins-crashing";
// ASan (in the sanitizer build) wants its runtime first among the preloaded libraries.
const std::string kFaultingCblas = "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 "
                                   "LD_PRELOAD=" + std::string(AICERT_FAULTING_CBLAS);

std::map<std::string, CaseResult> by_impl(const Report& r) {
  std::map<std::string, CaseResult> m;
  for (const auto& c : r.cases) m[c.impl] = c;
  return m;
}

class RunIsolationTest : public TempDirTest {
 protected:
  // `aicert run ARGS --out OUT` in `env`, which must exit 1 (a case did not pass) and still write
  // a valid report: its cases by implementation.
  std::map<std::string, CaseResult> run_with_a_faulty_case(const std::string& args,
                                                             const std::string& out,
                                                             const std::string& env) {
    const Outcome o = aicert("run " + args + " --out " + out, env);
    EXPECT_EQ(o.exit_code, 1) << o.output;
    EXPECT_NE(o.output.find("crash"), std::string::npos) << o.output;
    expect_valid_against_schema(out);
    return by_impl(read_report_xml(out));
  }
};

TEST_F(RunIsolationTest, CrashAndHangCostOnlyTheirOwnCase) {
  const auto cases = run_with_a_faulty_case(
      "--backend cpu --shape 16x8x4 --dtype fp32 --min-time-ms 0 "
      "--impl test:crash,test:hang,test:correct --case-timeout 3",
      path("report.xml"), kCrashingPlugins);
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases.at("test:crash").verdict, Verdict::crash);
  // (Killed by SIGSEGV; under ASan the worker's handler reports it and exits 1 instead.)
  EXPECT_NE(cases.at("test:crash").reason.find("dereferencing a bad pointer"), std::string::npos)
      << cases.at("test:crash").reason;
  EXPECT_EQ(cases.at("test:hang").verdict, Verdict::timeout);
  EXPECT_NE(cases.at("test:hang").reason.find("3 s watchdog"), std::string::npos)
      << cases.at("test:hang").reason;
  // Planned after the crash and the hang of the same device: a new worker ran it.
  EXPECT_EQ(cases.at("test:correct").verdict, Verdict::pass) << cases.at("test:correct").reason;
}

TEST_F(RunIsolationTest, FaultingCblasCostsOnlyTheCblasCases) {
  const std::string out = path("report.xml");
  const auto cases = run_with_a_faulty_case(
      "--workload gemm --backend cpu --impl cpu:cblas,cpu:blocked --shape 64x64x64 --dtype fp32 "
      "--min-time-ms 0",
      out, kFaultingCblas);
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases.at("cpu:cblas").verdict, Verdict::crash);
  EXPECT_NE(cases.at("cpu:cblas").reason.find("faulting cblas: cblas_sgemm"), std::string::npos)
      << cases.at("cpu:cblas").reason;
  EXPECT_EQ(cases.at("cpu:blocked").verdict, Verdict::pass) << cases.at("cpu:blocked").reason;
  for (const auto& e : std::filesystem::directory_iterator(path(""))) {
    EXPECT_EQ(e.path().filename().string().find("report.xml.references"), std::string::npos)
        << "the workers' folder is left";
  }
}

TEST_F(RunIsolationTest, InProcessRunsInAicertItself) {
  // The same fault in-process ends aicert (no report): what isolation prevents.
  const std::string out = path("report.xml");
  const Outcome crashed = aicert("run --in-process --workload gemm --backend cpu --impl cpu:cblas "
                                 "--shape 64x64x64 --dtype fp32 --min-time-ms 0 --out " + out,
                                 kFaultingCblas);
  EXPECT_NE(crashed.exit_code, 0) << crashed.output;
  EXPECT_NE(crashed.output.find("faulting cblas: cblas_sgemm"), std::string::npos)
      << crashed.output;
  EXPECT_EQ(crashed.output.find("report:"), std::string::npos) << crashed.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  const Outcome fine = aicert("run --in-process --workload gemm --backend cpu --impl cpu:blocked "
                              "--shape 64x64x64 --dtype fp32 --min-time-ms 0 --out " + out);
  EXPECT_EQ(fine.exit_code, 0) << fine.output;
  EXPECT_EQ(read_report_xml(out).cases.size(), 1u);
}

TEST_F(RunIsolationTest, CaseTimeoutMustBePositiveAndBounded) {
  for (const std::string t : {"0", "-1", "inf", "nan", "1e300"}) {
    for (const std::string command : {"run --backend cpu --shape 8x8x8", "certify"}) {
      const Outcome o = aicert(command + " --case-timeout " + t + " --out " + path("out"));
      EXPECT_EQ(o.exit_code, 2) << command << " " << t << ": " << o.output;
      EXPECT_NE(o.output.find("--case-timeout: a case timeout must be more than 0 and at most "
                              "1e+06 seconds"),
                std::string::npos)
          << o.output;
      EXPECT_FALSE(std::filesystem::exists(path("out"))) << command << " " << t;
    }
  }
}

TEST_F(RunIsolationTest, LeavesAUsersFolderNamedLikeItsOwnAlone) {
  // The workers' reference folder is a fresh one; a folder "<report>.references" is the user's.
  const std::string out = path("report.xml");
  std::filesystem::create_directories(out + ".references");
  const Outcome o = aicert("run --workload gemm --backend cpu --impl cpu:blocked --shape 8x8x8 "
                           "--dtype fp32 --min-time-ms 0 --out " + out);
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(std::filesystem::is_directory(out + ".references"));
  for (const auto& e : std::filesystem::directory_iterator(path(""))) {
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(name == "report.xml" || name == "report.xml.references") << name << " is left";
  }
}

TEST_F(RunIsolationTest, AKilledRunTakesItsWorkerWithIt) {
  // aicert killed with SIGKILL while its worker runs a hanging case: the worker must go too
  // (PR_SET_PDEATHSIG), not hold the device on. Output goes to a file, so that a surviving
  // worker cannot hold this test's pipe open.
  const Outcome o = shell(
      kCrashingPlugins + " " + kAicert +
      " run --backend cpu --shape 16x8x4 --dtype fp32 --impl test:hang --case-timeout 600 --out " +
      path("r.xml") + " >" + path("log") + " 2>&1 & p=$!; "
      "for i in $(seq 100); do pgrep -f -- \"worker --backend cpu --parent $p\" >/dev/null && "
      "break; sleep 0.1; done; "
      "pgrep -f -- \"worker --backend cpu --parent $p\" >/dev/null || echo no-worker-started; "
      "kill -9 $p; wait $p; sleep 1; "
      "if pgrep -f -- \"worker --backend cpu --parent $p\" >/dev/null; then echo worker-outlived; "
      "pkill -9 -f -- \"worker --backend cpu --parent $p\"; fi; true");
  EXPECT_EQ(o.output.find("no-worker-started"), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find("worker-outlived"), std::string::npos) << o.output;
}

}  // namespace
}  // namespace aicert
