// A deadline around blocking MPI calls: if a collective has not returned within the timeout
// (a peer rank hung or died), the watchdog says which rank and which call on stderr and aborts
// the whole job with MPI_Abort, so an mpirun never hangs silently. An expiry hook (the mpi
// backend's job monitor) may act first: rank 0 writes its report naming the ranks at fault.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace aicert::mpi {

class Watchdog {
 public:
  // on_expiry gets the line that says what timed out; if it returns, the job is aborted.
  Watchdog(int rank, double timeout_s, std::function<void(const std::string&)> on_expiry = {});
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Arms the deadline for `what` (e.g. "MPI_Allreduce of 16777216 bytes"); disarm() ends it.
  void arm(const std::string& what);
  void disarm();

 private:
  void main();

  int rank_;
  double timeout_s_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool armed_ = false;
  bool stop_ = false;
  std::uint64_t generation_ = 0;
  std::string what_;
  std::function<void(const std::string&)> on_expiry_;
  std::thread thread_;
};

}  // namespace aicert::mpi
