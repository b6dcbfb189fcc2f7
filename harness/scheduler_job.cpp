// The scheduler's job from the environment; see scheduler_job.h.
#include "harness/scheduler_job.h"

#include <cstdlib>
#include <initializer_list>
#include <string>

namespace aicert {

namespace {
// The first of the variables that is set and not empty, else "".
std::string first_set(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return v;
  }
  return {};
}
}  // namespace

std::optional<SchedulerJob> scheduler_job_from_env() {
  const std::string job_id = first_set({"SLURM_JOB_ID", "SLURM_JOBID"});
  if (job_id.empty()) return std::nullopt;
  SchedulerJob job;
  job.name = "slurm";
  job.job_id = job_id;
  job.step_id = first_set({"SLURM_STEP_ID", "SLURM_STEPID"});
  job.nodes = first_set({"SLURM_JOB_NODELIST", "SLURM_NODELIST"});
  job.cluster = first_set({"SLURM_CLUSTER_NAME"});
  job.partition = first_set({"SLURM_JOB_PARTITION"});
  return job;
}

}  // namespace aicert
