// The hosts of an MPI job in rank 0's report: every rank sends its machine inventory to rank 0
// through the mpi backend (the harness links no MPI), and rank 0 keeps one per host with the
// ranks that ran there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/mpi_job.h"
#include "harness/plugin_registry.h"
#include "reports/report.h"

namespace aicert {

// Groups the inventories of ranks 0..n-1 by host name: the reporting host (rank 0's) first and
// without an inventory of its own (it is the report's), then the others in order of first rank.
JobInfo group_job_hosts(const std::vector<Inventory>& by_rank);

// Every rank calls this at the same point of the run. Rank 0 gets the job's hosts; other ranks,
// and a process outside a job, get nothing. Without the mpi backend (no plugin, no MPI) rank 0
// gets nothing and *why says so.
std::optional<JobInfo> gather_job_hosts(const PluginRegistry& registry, const MpiJob& job,
                                        const Inventory& mine, std::string* why);

}  // namespace aicert
