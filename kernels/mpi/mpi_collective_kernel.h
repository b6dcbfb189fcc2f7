// mpi:native — one collective of the case through MPI's own call, on this process's rank of the
// job. upload() takes this rank's input out of X (every process builds the same seeded tensors),
// run() is one MPI call timed with MPI_Wtime under the watchdog, elapsed_ms_since_last_sync()
// returns the slowest rank's time (the same number on every rank, so every rank's measurement
// loop makes the same decisions and they stay in step), and download() gathers every rank's
// output into Y on every rank, so every rank checks the whole result.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/mpi/impl_names.h"
#include "kernels/mpi/mpi_watchdog.h"

namespace aicert::mpi {

class MpiCollectiveKernel final : public Kernel {
 public:
  MpiCollectiveKernel(const CollectiveSpec& spec, int rank, double timeout_s);

  std::string_view impl() const override { return kMpiNativeImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;
  std::string_view timer_name() const override { return "MPI_Wtime (max over ranks)"; }

 private:
  CollectiveSpec spec_;
  int rank_;
  std::size_t elem_;
  MPI_Datatype type_ = MPI_BYTE;  // of reductions; copies move bytes
  std::vector<std::byte> send_, recv_;
  std::vector<int> counts_, displs_;    // per rank, in bytes (or elements for reductions)
  std::vector<int> counts2_, displs2_;  // alltoall receive side
  bool uploaded_ = false;
  bool hang_ = false;
  double pending_s_ = 0;
  std::string what_;
  Watchdog watchdog_;
};

}  // namespace aicert::mpi
