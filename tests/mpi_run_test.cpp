// The mpi backend end to end: `mpirun -np 2 aicert run --workload collective --backend mpi` on
// loopback writes one valid report from rank 0 with every case checked exactly; a rank that
// hangs makes the job fail within the timeout, and rank 0's report names it.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "reports/report_xml.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

// An MPI implementation's launcher and the folder of the mpi plugin built against it.
struct Launcher {
  std::string name;        // "openmpi", "mpich"
  std::string mpiexec;     // with the options it needs on one machine
  std::string plugin_dir;  // put first in AICERT_PLUGIN_PATH
};

std::vector<Launcher> launchers() {
  std::vector<Launcher> l{{"openmpi", AICERT_MPIEXEC, AICERT_PLUGIN_DIR}};
#ifdef AICERT_MPIEXEC_MPICH
  // Hydra starts local ranks by fork; no ssh on a single machine.
  l.push_back({"mpich", AICERT_MPIEXEC_MPICH " -launcher fork", AICERT_MPICH_PLUGIN_DIR});
#endif
  return l;
}

// Open MPI refuses root and more ranks than cores unless told; MPICH ignores these. Shared
// memory only (no network needed).
const std::string kOpenMpiEnv =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 "
    "OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none ";

class MpiRunTest : public TempDirTest, public ::testing::WithParamInterface<Launcher> {
 protected:
  Outcome mpirun(int ranks, const std::string& args, const std::string& env = "") {
    const Launcher& l = GetParam();
    return shell(kOpenMpiEnv + "AICERT_PLUGIN_PATH=" + l.plugin_dir + ":" AICERT_PLUGIN_DIR +
                 " " + env + " timeout 120 " + l.mpiexec + " -np " + std::to_string(ranks) +
                 " " + kAicert + " " + args);
  }
};

TEST_P(MpiRunTest, TwoRanksOnLoopbackWriteOneCheckedReport) {
  const std::string out = path("report.xml");
  const Outcome o = mpirun(2,
                           "run --workload collective --backend mpi --sizes 8,4100,70000 "
                           "--dtype fp32,int32,bf16 --min-time-ms 1 --out " +
                               out);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("MPI job of 2 ranks"), std::string::npos) << o.output;
  // Rank 0 alone prints: each case line appears once.
  const std::string line = "collective/mpi0/mpi:native/fp32/allreduce-sum/r2/4100B";
  const auto first = o.output.find(line);
  ASSERT_NE(first, std::string::npos) << o.output;
  EXPECT_EQ(o.output.find(line, first + 1), std::string::npos) << o.output;
  expect_valid_against_schema(out);
  const Report r = read_report_xml(out);
  // 6 ops x 3 dtypes x 3 sizes; MPI has no bf16 reduction (3 ops x 3 sizes not supported).
  ASSERT_EQ(r.cases.size(), 54u);
  int passed = 0;
  for (const auto& c : r.cases) {
    EXPECT_TRUE(c.verdict == Verdict::pass || c.verdict == Verdict::not_supported)
        << c.id << ": " << c.reason;
    if (c.verdict != Verdict::pass) continue;
    ++passed;
    EXPECT_EQ(std::get<CollectiveSpec>(c.spec.spec).ranks, 2);
    EXPECT_TRUE(c.check->tolerance.exact);
    ASSERT_TRUE(c.bandwidth.has_value());
  }
  EXPECT_EQ(passed, 45);
  bool found = false;
  for (const auto& d : r.inventory.devices) {
    if (d.backend != "mpi") continue;
    found = d.properties.at("ranks") == "2";
    // Every host of the job, with its summary and ranks (one host here: both ranks).
    int hosts = 0;
    for (const auto& [key, value] : d.properties) {
      if (key.rfind("host:", 0) != 0) continue;
      ++hosts;
      EXPECT_NE(value.find("logical CPUs"), std::string::npos) << value;
      EXPECT_NE(value.find("ranks 0,1"), std::string::npos) << value;
    }
    EXPECT_EQ(hosts, 1);
  }
  EXPECT_TRUE(found) << "the mpi device with its rank count is in the inventory";
  // Rank 0 gathered every rank's inventory: one host here, the reporting one, with both ranks.
  ASSERT_TRUE(r.job.has_value());
  EXPECT_EQ(r.job->ranks, 2);
  ASSERT_EQ(r.job->hosts.size(), 1u);
  EXPECT_EQ(r.job->hosts[0].hostname, r.inventory.hostname);
  EXPECT_EQ(r.job->hosts[0].ranks, "0,1");
  EXPECT_FALSE(r.job->hosts[0].inventory.has_value()) << "the reporting host is the report's";
  // The plugin of this launcher's MPI ran (not the other one's).
  const std::string library = GetParam().name == "mpich" ? "MPICH" : "Open MPI";
  bool library_named = false;
  for (const auto& b : r.inventory.backends) {
    if (b.name == "mpi") library_named = b.runtime_version.find(library) != std::string::npos;
  }
  EXPECT_TRUE(library_named) << "the mpi backend's runtime names " << library;
}

TEST_P(MpiRunTest, HungRankIsReportedWithinTheTimeout) {
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = mpirun(2,
                           "run --workload collective --backend mpi --op allreduce "
                           "--sizes 4096 --dtype fp32 --out " +
                               path("report.xml"),
                           "AICERT_MPI_COLLECTIVE_FAULT=hang:1 AICERT_COLLECTIVE_TIMEOUT_S=2");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("did not complete within 2 s"), std::string::npos) << o.output;
  EXPECT_LT(seconds, 60.0) << "the job must end soon after the timeout, not hang";
  // Rank 0's job monitor names the rank that never reached the call, and rank 0 writes its
  // report with the case as a timeout before the job ends.
  EXPECT_NE(o.output.find("rank 1 (host "), std::string::npos) << o.output;
  ASSERT_TRUE(std::filesystem::exists(path("report.xml"))) << o.output;
  const Report r = read_report_xml(path("report.xml"));
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].verdict, Verdict::timeout) << r.cases[0].reason;
  EXPECT_NE(r.cases[0].reason.find("rank 1 (host "), std::string::npos) << r.cases[0].reason;
  EXPECT_NE(r.cases[0].reason.find("has not reached this call"), std::string::npos)
      << r.cases[0].reason;
}

TEST_P(MpiRunTest, ABadTimeoutOnOneRankEndsEveryRankAtOnce) {
  // Rank 1 alone has an unreadable AICERT_COLLECTIVE_TIMEOUT_S (MPMD: two programs of one rank
  // each). Every rank refuses alike before the first collective, instead of rank 1 failing
  // while rank 0 waits for it in a collective until its own timeout.
  const Launcher& l = GetParam();
  const std::string run = " " + kAicert + " run --workload collective --backend mpi --op allreduce "
                          "--sizes 4096 --dtype fp32 --out " + path("report.xml");
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = shell(kOpenMpiEnv + "AICERT_PLUGIN_PATH=" + l.plugin_dir + ":" +
                          AICERT_PLUGIN_DIR + " AICERT_COLLECTIVE_TIMEOUT_S=30 timeout 120 " +
                          l.mpiexec + " -np 1" + run + " : -np 1 env AICERT_COLLECTIVE_TIMEOUT_S=soon" +
                          run);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("rank 1: AICERT_COLLECTIVE_TIMEOUT_S='soon' is not a number of seconds"),
            std::string::npos)
      << o.output;
  EXPECT_LT(seconds, 25.0) << "every rank must refuse at once, not wait out a timeout";
  EXPECT_FALSE(std::filesystem::exists(path("report.xml"))) << o.output;
}

TEST_P(MpiRunTest, RanksThatPlanDifferentCasesRefuseBeforeAnyRuns) {
  // MPMD: rank 1 is given other sizes. Running in step, the ranks would wait for each other in
  // different collectives; instead every rank refuses at once with the same verdict.
  const Launcher& l = GetParam();
  const std::string run = " " + kAicert + " run --workload collective --backend mpi --op allreduce "
                          "--dtype fp32 --out " + path("report.xml") + " --sizes ";
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = shell(kOpenMpiEnv + "AICERT_PLUGIN_PATH=" + l.plugin_dir + ":" +
                          AICERT_PLUGIN_DIR + " timeout 120 " + l.mpiexec + " -np 1" + run +
                          "4096 : -np 1" + run + "8192");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("planned different cases (rank 1 against rank 0"), std::string::npos)
      << o.output;
  EXPECT_LT(seconds, 25.0) << "the ranks must refuse at once, not wait out a timeout";
  EXPECT_FALSE(std::filesystem::exists(path("report.xml"))) << o.output;
}

INSTANTIATE_TEST_SUITE_P(Launchers, MpiRunTest, ::testing::ValuesIn(launchers()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace aicert
