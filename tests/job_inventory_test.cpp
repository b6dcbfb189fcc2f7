// Grouping an MPI job's per-rank inventories into hosts for rank 0's report.
#include <gtest/gtest.h>

#include "harness/job_inventory.h"

namespace aicert {
namespace {

Inventory on(const std::string& host) {
  Inventory inv;
  inv.hostname = host;
  inv.cpu_model = "CPU of " + host;
  return inv;
}

TEST(JobHosts, OnePerHostWithItsRanksTheReportingHostFirstAndWithoutInventory) {
  const JobInfo job = group_job_hosts({on("a"), on("b"), on("a"), on("c"), on("b")});
  EXPECT_EQ(job.ranks, 5);
  ASSERT_EQ(job.hosts.size(), 3u);
  EXPECT_EQ(job.hosts[0].hostname, "a");
  EXPECT_EQ(job.hosts[0].ranks, "0,2");
  EXPECT_FALSE(job.hosts[0].inventory.has_value());
  EXPECT_EQ(job.hosts[1].hostname, "b");
  EXPECT_EQ(job.hosts[1].ranks, "1,4");
  ASSERT_TRUE(job.hosts[1].inventory.has_value());
  EXPECT_EQ(job.hosts[1].inventory->cpu_model, "CPU of b");
  EXPECT_EQ(job.hosts[2].hostname, "c");
  EXPECT_EQ(job.hosts[2].ranks, "3");
  ASSERT_TRUE(job.hosts[2].inventory.has_value());
}

TEST(JobHosts, OutsideAJobNothingIsGathered) {
  std::string why;
  EXPECT_FALSE(gather_job_hosts(PluginRegistry::load_one("cpu"), MpiJob{}, on("a"), &why));
  EXPECT_TRUE(why.empty()) << why;
}

TEST(JobHosts, WithoutTheMpiBackendRankZeroSaysWhy) {
  std::string why;
  MpiJob job;
  job.active = true;
  job.size = 2;
  EXPECT_FALSE(gather_job_hosts(PluginRegistry::load_one("cpu"), job, on("a"), &why));
  EXPECT_NE(why.find("mpi backend is unavailable"), std::string::npos) << why;
}

}  // namespace
}  // namespace aicert
