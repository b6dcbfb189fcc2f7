// Gathering the hosts of an MPI job into rank 0's report; see job_inventory.h.
#include "harness/job_inventory.h"

#include <map>

#include "reports/report_xml.h"

namespace aicert {

JobInfo group_job_hosts(const std::vector<Inventory>& by_rank) {
  JobInfo job;
  job.ranks = static_cast<int>(by_rank.size());
  std::map<std::string, std::size_t> index;  // host name -> position in job.hosts
  for (std::size_t r = 0; r < by_rank.size(); ++r) {
    const Inventory& inv = by_rank[r];
    auto [it, added] = index.emplace(inv.hostname, job.hosts.size());
    if (added) {
      JobHost& host = job.hosts.emplace_back();
      host.hostname = inv.hostname;
      if (r != 0) host.inventory = inv;
    }
    JobHost& host = job.hosts[it->second];
    host.ranks += (host.ranks.empty() ? "" : ",") + std::to_string(r);
  }
  return job;
}

std::optional<JobInfo> gather_job_hosts(const PluginRegistry& registry, const MpiJob& job,
                                        const Inventory& mine, std::string* why) {
  if (!job.active) return std::nullopt;
  const LoadedBackend* mpi = registry.find("mpi");
  if (mpi == nullptr || mpi->backend == nullptr) {
    if (why) {
      *why = "the mpi backend is unavailable (" + (mpi ? mpi->reason : std::string("no plugin")) +
             "): the report lists this host only";
    }
    return std::nullopt;
  }
  const std::vector<std::string> texts = mpi->backend->gather_to_root(inventory_to_xml(mine));
  if (job.rank != 0) return std::nullopt;
  std::vector<Inventory> by_rank;
  for (std::size_t r = 0; r < texts.size(); ++r) {
    by_rank.push_back(
        r == 0 ? mine : inventory_from_xml(texts[r], "inventory of rank " + std::to_string(r)));
  }
  return group_job_hosts(by_rank);
}

}  // namespace aicert
