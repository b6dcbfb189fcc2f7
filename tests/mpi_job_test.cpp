// The one MPI job detector (kernels/mpi_job.h) that the harness and the plugins share: each
// launcher's variables, the order they are tried in, and what is decided where rank or size is
// unknown; among them the cases where the harness's and the plugins' old detectors disagreed.
#include "kernels/mpi_job.h"

#include <gtest/gtest.h>

#include <memory>
#include <utility>
#include <vector>

#include "tests/scoped_env.h"

namespace aicert {
namespace {

using test::ScopedEnv;

// Every variable a detector ever read, unset for the test (and restored after it).
class MpiJobTest : public ::testing::Test {
 protected:
  MpiJobTest() {
    for (const char* v : {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE",
                          "PMIX_RANK", "SLURM_STEP_NUM_TASKS", "MPI_LOCALNRANKS", "AICERT_MPI"}) {
      clean_.push_back(std::make_unique<ScopedEnv>(v, nullptr));
    }
  }
  ~MpiJobTest() override {
    while (!set_.empty()) set_.pop_back();  // last set, first restored
  }
  void set(const char* name, const char* value) {
    set_.push_back(std::make_unique<ScopedEnv>(name, value));
  }

 private:
  std::vector<std::unique_ptr<ScopedEnv>> clean_;
  std::vector<std::unique_ptr<ScopedEnv>> set_;
};

void expect_job(const MpiJob& job, int rank, int size) {
  EXPECT_TRUE(job.active);
  EXPECT_EQ(job.rank, rank);
  EXPECT_EQ(job.size, size);
}

void expect_no_job(const MpiJob& job) {
  EXPECT_FALSE(job.active);
  EXPECT_EQ(job.rank, 0);
  EXPECT_EQ(job.size, 1);
}

TEST_F(MpiJobTest, WithoutALauncherThisIsNoJob) { expect_no_job(mpi_job_from_env()); }

TEST_F(MpiJobTest, OpenMpiGivesRankAndSize) {
  set("OMPI_COMM_WORLD_RANK", "1");
  set("OMPI_COMM_WORLD_SIZE", "2");
  set("PMIX_RANK", "1");  // Open MPI's own runtime sets it too
  expect_job(mpi_job_from_env(), 1, 2);
}

TEST_F(MpiJobTest, HydraPmiGivesRankAndSize) {
  set("PMI_RANK", "2");
  set("PMI_SIZE", "3");
  set("MPI_LOCALNRANKS", "3");
  expect_job(mpi_job_from_env(), 2, 3);
}

// The old detectors disagreed here: the plugins saw a job (PMIX_RANK), the harness did not, so
// every rank printed and wrote the report while the mpi backend ran a world of two.
TEST_F(MpiJobTest, PmixUnderSrunTakesSlurmsTaskCount) {
  set("PMIX_RANK", "1");
  set("SLURM_STEP_NUM_TASKS", "2");
  expect_job(mpi_job_from_env(), 1, 2);
}

// Disagreed too: the mpi plugin took AICERT_MPI (any value) for a one-rank world, the harness
// took it for no job. Now both see the singleton, for the value 1 only.
TEST_F(MpiJobTest, AicertMpiOneIsASingletonWorld) {
  set("AICERT_MPI", "1");
  expect_job(mpi_job_from_env(), 0, 1);
}

TEST_F(MpiJobTest, AicertMpiOtherThanOneIsIgnored) {
  for (const char* v : {"0", "", "yes", "2"}) {
    const ScopedEnv e("AICERT_MPI", v);
    expect_no_job(mpi_job_from_env());
  }
}

// A launcher's rank or size alone is no job (the old plugin detector took any one of these for
// a job; the harness did not): neither the plan nor who reports can be decided from it.
TEST_F(MpiJobTest, ARankOrASizeAloneIsNoJob) {
  for (const char* v : {"PMIX_RANK", "MPI_LOCALNRANKS", "OMPI_COMM_WORLD_SIZE", "PMI_SIZE",
                        "OMPI_COMM_WORLD_RANK", "PMI_RANK", "SLURM_STEP_NUM_TASKS"}) {
    const ScopedEnv e(v, "2");
    const MpiJob job = mpi_job_from_env();
    EXPECT_FALSE(job.active) << v;
  }
}

TEST_F(MpiJobTest, MalformedOrInconsistentVariablesAreSkipped) {
  for (const auto& [rank, size] : std::vector<std::pair<const char*, const char*>>{
           {"2", "2"}, {"-1", "2"}, {"x", "2"}, {"1", "2x"}, {"0", "0"}, {"", "2"}}) {
    const ScopedEnv r("OMPI_COMM_WORLD_RANK", rank);
    const ScopedEnv s("OMPI_COMM_WORLD_SIZE", size);
    expect_no_job(mpi_job_from_env());
    // The next launcher in the order still decides.
    const ScopedEnv pr("PMI_RANK", "0");
    const ScopedEnv ps("PMI_SIZE", "4");
    expect_job(mpi_job_from_env(), 0, 4);
  }
}

TEST_F(MpiJobTest, ALauncherWinsOverAicertMpi) {
  set("AICERT_MPI", "1");
  set("OMPI_COMM_WORLD_RANK", "3");
  set("OMPI_COMM_WORLD_SIZE", "4");
  expect_job(mpi_job_from_env(), 3, 4);
}

}  // namespace
}  // namespace aicert
