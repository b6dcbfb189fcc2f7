// Slurm end to end: a private Slurm cluster on this machine (tests/slurm/slurm_cluster.sh:
// munged, slurmctld and slurmd under a folder of their own), then `srun -n 3 --mpi=pmix aicert
// run --backend mpi`: the ranks take their rank and size from Slurm (PMIx), rank 0 writes one
// report, and the report names the Slurm job, its step and its node list. Root only (skips with
// the reason elsewhere); the cluster is torn down after each test, also when it fails.
#include <gtest/gtest.h>

#include <string>

#include "reports/report_xml.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

const std::string kCluster = std::string(AICERT_SOURCE_DIR) + "/tests/slurm/slurm_cluster.sh";
// One fixed folder, so the cleanup test (slurm.cmake) finds what a killed test left; its own
// ports, apart from the default ones a developer's own test cluster may use.
const std::string kState = "/tmp/aicert-slurm-cluster";
const std::string kPorts = "SLURM_CLUSTER_PORT=16917 ";

class SlurmTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    const Outcome check = shell(kCluster + " check");
    if (check.exit_code != 0) GTEST_SKIP() << "no Slurm here: " << check.output;
    const Outcome mpi = shell(std::string(AICERT_MPIEXEC) + " --version");
    if (mpi.output.find("Open MPI") == std::string::npos &&
        mpi.output.find("OpenRTE") == std::string::npos) {
      GTEST_SKIP() << "srun --mpi=pmix starts Open MPI ranks; the mpi plugin is built against: "
                   << mpi.output;
    }
    const Outcome up = shell(kPorts + kCluster + " up " + kState);
    ASSERT_EQ(up.exit_code, 0) << up.output;
    up_ = true;
  }
  void TearDown() override {
    if (up_) {
      const Outcome down = shell(kCluster + " down " + kState);
      EXPECT_EQ(down.exit_code, 0) << down.output;
    }
    TempDirTest::TearDown();
  }
  bool up_ = false;
};

TEST_F(SlurmTest, SrunRanksWriteOneReportThatNamesTheSlurmJob) {
  const std::string out = path("report.xml");
  const Outcome o = shell("env $(cat " + kState + "/slurm.env) timeout 120 srun -Q -n 3 "
                          "--mpi=pmix " + kAicert +
                          " run --workload collective --backend mpi --op allreduce,pairs --ranks 3 "
                          "--sizes 4096 --dtype fp32 --min-time-ms 1 --out " + out);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("MPI job of 3 ranks"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find(" in slurm job "), std::string::npos) << o.output;
  expect_valid_against_schema(out);
  const Report r = read_report_xml(out);
  ASSERT_TRUE(r.job.has_value());
  EXPECT_EQ(r.job->ranks, 3);
  ASSERT_EQ(r.cases.size(), 2u);
  for (const CaseResult& c : r.cases) EXPECT_EQ(c.verdict, Verdict::pass) << c.id << c.reason;
  ASSERT_TRUE(r.scheduler.has_value());
  EXPECT_EQ(r.scheduler->name, "slurm");
  EXPECT_FALSE(r.scheduler->job_id.empty());
  EXPECT_EQ(r.scheduler->step_id, "0") << "the first step of srun's own allocation";
  const Outcome host = shell("hostname -s");
  EXPECT_EQ(r.scheduler->nodes + "\n", host.output) << "the node list is this one node";
}

}  // namespace
}  // namespace aicert
