// mpi:native — one collective of the case through MPI's own call, on this process's rank of the
// job. upload() takes this rank's input out of X (every process builds the same seeded tensors),
// run() is one MPI call timed with MPI_Wtime under the watchdog, elapsed_ms_since_last_sync()
// returns the slowest rank's time (the same number on every rank, so every rank's measurement
// loop makes the same decisions and they stay in step), and download() gathers every rank's
// output into Y on every rank, so every rank checks the whole result.
// Op pairs is the point-to-point sweep: each pair of ranks (i < j, in order) exchanges the
// message with MPI_Sendrecv while the others wait at a barrier, so each link is timed alone;
// the slower end's time of each exchange is that link's sample (link_timings()).
#pragma once

#include <mpi.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/mpi/impl_names.h"
#include "kernels/mpi/job_monitor.h"
#include "kernels/mpi/mpi_watchdog.h"

namespace aicert::mpi {

class MpiCollectiveKernel final : public Kernel {
 public:
  // monitor: the job's (null in a job of one rank); a timeout on rank 0 goes through it.
  MpiCollectiveKernel(const CollectiveSpec& spec, int rank, double timeout_s, JobMonitor* monitor);

  std::string_view impl() const override { return kMpiNativeImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;
  std::string_view timer_name() const override { return "MPI_Wtime (max over ranks)"; }
  std::vector<LinkTiming> link_timings() const override;

 private:
  void entering_call() {
    if (monitor_) monitor_->entered_call();
  }
  CollectiveSpec spec_;
  int rank_;
  std::size_t elem_;
  MPI_Datatype type_ = MPI_BYTE;  // of reductions; copies move bytes
  std::vector<std::byte> send_, recv_;
  std::vector<int> counts_, displs_;    // per rank, in bytes (or elements for reductions)
  std::vector<int> counts2_, displs2_;  // alltoall receive side
  bool uploaded_ = false;
  bool hang_ = false;
  void run_pairs();
  double pending_s_ = 0;
  // Pairs: each link's seconds in the runs since the last sync, and its per-run samples.
  std::vector<std::pair<int, int>> links_;
  std::vector<double> link_pending_s_;
  std::vector<std::vector<double>> link_samples_s_;
  int runs_since_sync_ = 0;
  std::string what_;
  JobMonitor* monitor_;
  Watchdog watchdog_;
};

}  // namespace aicert::mpi
