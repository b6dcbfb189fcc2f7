// The scheduler's job in the report (harness/scheduler_job.h): read from Slurm's environment,
// nothing outside a job, through the report XML and back (valid against the XSD), an empty job
// id refused with its line, and the node list redacted with the host names.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "harness/scheduler_job.h"
#include "reports/redaction.h"
#include "reports/report_xml.h"
#include "tests/cli_support.h"
#include "tests/scoped_env.h"

namespace aicert {
namespace {

using test::ScopedEnv;

TEST(SchedulerJob, SlurmsEnvironmentNamesTheJob) {
  const ScopedEnv id("SLURM_JOB_ID", "4242"), old_id("SLURM_JOBID", nullptr),
      step("SLURM_STEP_ID", "0"), nodes("SLURM_JOB_NODELIST", "gpu[01-03]"),
      cluster("SLURM_CLUSTER_NAME", "alps"), partition("SLURM_JOB_PARTITION", "burnin");
  const auto job = scheduler_job_from_env();
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->name, "slurm");
  EXPECT_EQ(job->job_id, "4242");
  EXPECT_EQ(job->step_id, "0");
  EXPECT_EQ(job->nodes, "gpu[01-03]");
  EXPECT_EQ(job->cluster, "alps");
  EXPECT_EQ(job->partition, "burnin");
}

TEST(SchedulerJob, OlderNamesAndAMissingStep) {
  // The batch script itself has no step; older Slurm spells the job id SLURM_JOBID.
  const ScopedEnv id("SLURM_JOB_ID", nullptr), old_id("SLURM_JOBID", "7"),
      step("SLURM_STEP_ID", nullptr), old_step("SLURM_STEPID", nullptr),
      nodes("SLURM_JOB_NODELIST", nullptr), old_nodes("SLURM_NODELIST", "n1,n2");
  const auto job = scheduler_job_from_env();
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->job_id, "7");
  EXPECT_EQ(job->step_id, "");
  EXPECT_EQ(job->nodes, "n1,n2");
}

TEST(SchedulerJob, NoSchedulerNoRecord) {
  const ScopedEnv id("SLURM_JOB_ID", nullptr), old_id("SLURM_JOBID", nullptr),
      nodes("SLURM_JOB_NODELIST", "n1");
  EXPECT_FALSE(scheduler_job_from_env().has_value());
}

class SchedulerXmlTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    report_ = read_report_xml(std::string(AICERT_SOURCE_DIR) +
                              "/tests/data/reports/golden-report.xml");
    report_.scheduler = SchedulerJob{"slurm", "4242", "0", "gpu[01-03]", "", "burnin"};
  }
  Report report_;
};

TEST_F(SchedulerXmlTest, ReadsBackAsWrittenAndIsValid) {
  const std::string file = path("r.xml");
  write_report_xml(report_, file);
  const Report back = read_report_xml(file);
  ASSERT_TRUE(back.scheduler.has_value());
  EXPECT_EQ(back.scheduler->job_id, "4242");
  EXPECT_EQ(back.scheduler->step_id, "0");
  EXPECT_EQ(back.scheduler->nodes, "gpu[01-03]");
  EXPECT_EQ(back.scheduler->cluster, "");
  EXPECT_EQ(back.scheduler->partition, "burnin");
  expect_valid_against_schema(file);
}

TEST_F(SchedulerXmlTest, AnEmptyJobIdIsRefusedWithTheLine) {
  const std::string file = path("r.xml");
  write_report_xml(report_, file);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto at = text.find("job-id=\"4242\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 13, "job-id=\"\"");
  std::ofstream(file) << text;
  try {
    read_report_xml(file);
    FAIL() << "a scheduler job without an id was read";
  } catch (const ReportParseError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file + ":"), std::string::npos) << what;
    EXPECT_NE(what.find("job-id"), std::string::npos) << what;
  }
}

TEST(SchedulerJob, RedactionHidesTheNodes) {
  SchedulerJob job{"slurm", "1", "", "gpu[01-03]", "alps", "p"};
  redact_scheduler(job);
  EXPECT_EQ(job.nodes, kRedacted);
  EXPECT_EQ(job.cluster, kRedacted);
  EXPECT_EQ(job.job_id, "1") << "the job id identifies no host";
}

}  // namespace
}  // namespace aicert
