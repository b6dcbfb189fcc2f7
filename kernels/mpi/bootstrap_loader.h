// The device backends' side of libaicert-mpi-bootstrap.so: finds it next to the plugin that asks
// (or at $AICERT_MPI_BOOTSTRAP_LIBRARY), dlopen()s it, checks its ABI version, initializes MPI
// through it and wraps the C table in calls that throw std::runtime_error. No MPI here: a
// plugin compiles this file in and still loads where MPI is absent.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "kernels/mpi/bootstrap_abi.h"

namespace aicert::mpi {

class MpiBootstrap {
 public:
  // The process-wide bootstrap (loaded and initialized once), or null with *why_not
  // ("libaicert-mpi-bootstrap.so not loadable: <dlerror>"). timeout_s arms the watchdog.
  static std::shared_ptr<MpiBootstrap> load(double timeout_s, std::string* why_not);
  ~MpiBootstrap();  // finalizes MPI if the bootstrap initialized it

  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_rank() const { return local_rank_; }
  int local_size() const { return local_size_; }
  void broadcast(void* data, std::size_t bytes, int root) const;
  void barrier() const;
  void allgatherv(const void* mine, void* all, const std::vector<std::size_t>& counts,
                  const std::vector<std::size_t>& displs) const;
  double max(double value) const;

  explicit MpiBootstrap(const AicertMpiBootstrap* table);

 private:
  const AicertMpiBootstrap* table_;
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
};

}  // namespace aicert::mpi
