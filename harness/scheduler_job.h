// Which batch scheduler's job this process runs in, from the environment the scheduler gives
// its jobs (no scheduler command is called: a compute node need not have them). Slurm: inside
// an allocation (sbatch, salloc, srun) SLURM_JOB_ID is set; the node list, step, partition and
// cluster come from SLURM_JOB_NODELIST (or the older SLURM_NODELIST), SLURM_STEP_ID,
// SLURM_JOB_PARTITION and SLURM_CLUSTER_NAME. Outside any scheduler: nullopt.
#pragma once

#include <optional>

#include "reports/report.h"

namespace aicert {

std::optional<SchedulerJob> scheduler_job_from_env();

}  // namespace aicert
