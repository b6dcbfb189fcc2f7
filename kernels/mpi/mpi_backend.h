// The "mpi" backend: MPI's own collectives (MPI_Allreduce, MPI_Allgatherv, MPI_Reduce_scatter,
// MPI_Bcast, MPI_Alltoallv) on host memory, one rank per process of an mpirun job. One device:
// MPI_COMM_WORLD. Available only in a process that kernels/mpi_job.h takes for a rank of an MPI
// job (mpirun/mpiexec of Open MPI or MPICH, a PMI or PMIx launcher, or AICERT_MPI=1 for a
// singleton world of one rank).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/impl_table.h"
#include "kernels/mpi/job_monitor.h"

namespace aicert::mpi {

class MpiBackend final : public Backend {
 public:
  MpiBackend();  // MPI_Init_thread unless MPI is initialized already
  ~MpiBackend() override;

  std::string_view name() const override { return "mpi"; }
  std::string runtime_version() const override { return library_; }
  std::vector<DeviceInfo> devices() override;
  std::vector<std::string> implementations(std::string_view workload) const override;
  std::unique_ptr<Kernel> make(const CaseSpec& spec, int device, std::string_view impl,
                               std::string* why_not) override;
  std::vector<std::string> gather_to_root(const std::string& mine) override;
  void set_job_failure_handler(JobFailureHandler handler) override;
  std::vector<int> ranks_differing_from_root(const std::string& mine) override;

  // What the backend implements; implementations() and make() read it.
  static const ImplTable<MpiBackend>& impl_table();

 private:
  bool initialized_here_ = false;
  int rank_ = 0, size_ = 1;
  std::string library_;
  std::string host_;
  struct HostEntry {
    std::string summary;  // host_summary() of that host
    std::string ranks;    // "0,1"
  };
  std::map<std::string, HostEntry> hosts_;  // by host name
  std::unique_ptr<JobMonitor> monitor_;     // in a job of more than one rank
  double timeout_s_ = 0;  // AICERT_COLLECTIVE_TIMEOUT_S, rank 0's: one deadline for the job
};

}  // namespace aicert::mpi
