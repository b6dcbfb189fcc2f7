// Multi-host for real, on one machine: three hosts as network namespaces with their own host
// names (tests/cluster/netns_cluster.sh), Open MPI's daemons started in them through an agent,
// ranks talking TCP over the cluster's bridge only. `mpirun aicert run --backend mpi` across
// them writes one report on rank 0 with every host; a host whose link is throttled is named by
// the point-to-point sweep; a host killed mid-run is named on rank 0's report within a second
// or two instead of the job just dying. Needs root and network namespaces; skips otherwise.
#include <chrono>
#include <filesystem>
#include <set>
#include <string>

#include "reports/report_xml.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

const std::string kCluster = std::string(AICERT_SOURCE_DIR) + "/tests/cluster/netns_cluster.sh";
constexpr const char* kPrefix = "aicmt";
constexpr const char* kNet = "10.77.41";
// The cluster's state (UTS namespace files, agent, mpirun.env): one fixed folder, so that the
// cleanup test (multihost.cmake) finds what a killed test left.
const std::string kState = "/tmp/aicert-multihost-cluster";

class MultiHostTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    const Outcome check = shell(kCluster + " check");
    if (check.exit_code != 0) GTEST_SKIP() << "no namespace cluster here: " << check.output;
    const Outcome mpirun = shell(std::string(AICERT_MPIEXEC) + " --version");
    if (mpirun.output.find("Open MPI") == std::string::npos &&
        mpirun.output.find("OpenRTE") == std::string::npos) {
      GTEST_SKIP() << "the cluster's agent is Open MPI's plm_rsh_agent; " AICERT_MPIEXEC " is: "
                   << mpirun.output;
    }
    const Outcome up = shell(kCluster + " up " + kPrefix + " " + kNet + " 3 " + kState);
    ASSERT_EQ(up.exit_code, 0) << up.output;
    up_ = true;
  }
  void TearDown() override {
    if (up_) {
      const Outcome down = shell(kCluster + " down " + kPrefix + " " + kState);
      EXPECT_EQ(down.exit_code, 0) << down.output;
    }
    TempDirTest::TearDown();
  }

  // The mpirun line of a job across the cluster's 3 hosts, per_host ranks on each (in order:
  // ranks 0.. on host 1, and so on).
  std::string mpirun(const std::string& args, const std::string& mca = "",
                     int per_host = 1) const {
    const std::string slots = ":" + std::to_string(per_host);
    return "env $(cat " + kState + "/mpirun.env) " + mca + " timeout 120 " + AICERT_MPIEXEC +
           " --host " + kNet + ".1" + slots + "," + kNet + ".2" + slots + "," + kNet + ".3" +
           slots + " -np " + std::to_string(3 * per_host) + " -x AICERT_PLUGIN_PATH " + kAicert +
           " " + args;
  }

  bool up_ = false;
};

TEST_F(MultiHostTest, ThreeHostsOverTcpWriteOneReportWithEveryHost) {
  const std::string out = path("report.xml");
  const Outcome o = shell(mpirun("run --workload collective --backend mpi --op allreduce,alltoall,pairs "
                                 "--sizes 8,70000 --dtype fp32,int32 --min-time-ms 1 --out " + out,
                                 "OMPI_MCA_btl_base_verbose=30"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  // TCP carried the ranks' traffic, between the cluster's addresses, and nothing else did.
  EXPECT_NE(o.output.find("Using tcp btl"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find(std::string("address ") + kNet + "."), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find("Using vader btl"), std::string::npos) << o.output;
  expect_valid_against_schema(out);
  const Report r = read_report_xml(out);
  ASSERT_TRUE(r.job.has_value());
  EXPECT_EQ(r.job->ranks, 3);
  ASSERT_EQ(r.job->hosts.size(), 3u) << "one host per namespace";
  std::set<std::string> names;
  for (const JobHost& h : r.job->hosts) names.insert(h.hostname);
  EXPECT_EQ(names, (std::set<std::string>{"aicmt-h1", "aicmt-h2", "aicmt-h3"}));
  EXPECT_EQ(r.inventory.hostname, "aicmt-h1") << "rank 0 reports, from the first host";
  EXPECT_TRUE(r.job->hosts[1].inventory.has_value()) << "the other hosts' own inventories";
  ASSERT_EQ(r.cases.size(), 12u);  // 3 ops x 2 dtypes x 2 sizes
  for (const CaseResult& c : r.cases) {
    EXPECT_EQ(c.verdict, Verdict::pass) << c.id << ": " << c.reason;
    ASSERT_TRUE(c.check.has_value()) << c.id;
    EXPECT_TRUE(c.check->tolerance.exact) << c.id;
    EXPECT_EQ(c.check->wrong_count, 0u) << c.id;
    const bool pairs = std::get<CollectiveSpec>(c.spec.spec).op == CollectiveOp::pairs;
    EXPECT_EQ(c.links.size(), pairs ? 3u : 0u) << c.id;
  }
  bool monitored = false;
  for (const auto& d : r.inventory.devices) {
    if (d.backend == "mpi") monitored = d.properties.at("job_monitor") == "every rank";
  }
  EXPECT_TRUE(monitored) << "every rank reached rank 0's job monitor";
}

TEST_F(MultiHostTest, ThrottledHostIsNamedByThePointToPointSweep) {
  const Outcome slow = shell(kCluster + " slow " + kPrefix + " 3 100mbit");
  ASSERT_EQ(slow.exit_code, 0) << slow.output;
  const std::string out = path("report.xml");
  const Outcome o = shell(mpirun("run --workload collective --backend mpi --op pairs --sizes 1MiB "
                                 "--dtype fp32 --min-reps 3 --min-time-ms 1 --out " + out));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("slow rank: rank 2 (aicmt-h3)"), std::string::npos) << o.output;
  const Report r = read_report_xml(out);
  ASSERT_EQ(r.cases.size(), 1u);
  const CaseResult& c = r.cases[0];
  EXPECT_EQ(c.verdict, Verdict::pass) << c.reason;
  EXPECT_EQ(c.slow_ranks, std::vector<int>{2}) << c.link_finding;
  ASSERT_EQ(c.links.size(), 3u);
  for (const LinkTiming& l : c.links) {
    // 100 Mbit/s is 0.0125 GB/s; the bridge itself runs at GB/s.
    if (l.b == 2) {
      EXPECT_LT(l.gbps, 0.02) << l.a << "-" << l.b;
    } else {
      EXPECT_GT(l.gbps, 0.05) << l.a << "-" << l.b;
    }
  }
}

TEST_F(MultiHostTest, WithTwoRanksPerHostTheThrottledHostsRanksAreNamed) {
  // The links within a host (loopback) are far faster than the bridge: judged among the links
  // between hosts only, host 3's two ranks are named, and no healthy rank is.
  const Outcome slow = shell(kCluster + " slow " + kPrefix + " 3 100mbit");
  ASSERT_EQ(slow.exit_code, 0) << slow.output;
  const std::string out = path("report.xml");
  const Outcome o = shell(mpirun("run --workload collective --backend mpi --op pairs --ranks 6 "
                                 "--sizes 1MiB --dtype fp32 --min-reps 9 --min-time-ms 1 --out " +
                                     out,
                                 "", 2));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const Report r = read_report_xml(out);
  ASSERT_EQ(r.cases.size(), 1u);
  const CaseResult& c = r.cases[0];
  EXPECT_EQ(c.verdict, Verdict::pass) << c.reason;
  EXPECT_EQ(c.links.size(), 15u);
  EXPECT_EQ(c.slow_ranks, (std::vector<int>{4, 5})) << c.link_finding;
  EXPECT_NE(c.link_finding.find("3 links within a host not judged"), std::string::npos)
      << c.link_finding;
}

TEST_F(MultiHostTest, KilledHostIsNamedOnRankZerosReport) {
  const std::string out = path("report.xml"), log = path("mpirun.log");
  // A job of many short cases; host 3 dies (every process in it killed) once two are done.
  const std::string job =
      mpirun("run --workload collective --backend mpi --op allreduce,allgather,broadcast "
             "--dtype fp32 --min-time-ms 100 --out " + out);
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = shell("(" + job + ") >" + log + " 2>&1 & job=$!; " +
                          "for i in $(seq 600); do grep -q '^\\[ *2/' " + log +
                          " && break; sleep 0.1; done; " + kCluster + " kill " + kPrefix +
                          " 3; wait $job; echo \"exit $?\"; cat " + log);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(o.output.find("exit 0"), std::string::npos) << o.output;
  EXPECT_LT(seconds, 60.0) << "the job ends when the host dies, not at a timeout: " << o.output;
  EXPECT_NE(o.output.find("rank 2 (host aicmt-h3) left the job"), std::string::npos) << o.output;
  ASSERT_TRUE(std::filesystem::exists(out)) << o.output;
  expect_valid_against_schema(out);
  const Report r = read_report_xml(out);
  EXPECT_EQ(r.summary.verdict, "FAIL");
  int passed = 0, crashed = 0, skipped = 0;
  for (const CaseResult& c : r.cases) {
    passed += c.verdict == Verdict::pass;
    skipped += c.verdict == Verdict::skip;
    if (c.verdict == Verdict::crash) {
      ++crashed;
      EXPECT_NE(c.reason.find("rank 2 (host aicmt-h3)"), std::string::npos) << c.reason;
    }
  }
  EXPECT_GE(passed, 2) << "the cases finished before the host died are kept";
  // The case in flight (none when the loss fell between two cases).
  EXPECT_LE(crashed, 1);
  EXPECT_EQ(passed + crashed + skipped, static_cast<int>(r.cases.size()))
      << "every planned case is in the report";
  EXPECT_GT(skipped, 0);
}

}  // namespace
}  // namespace aicert
