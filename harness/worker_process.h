// The parent's side of one certify worker: an `aicert worker --backend NAME` child process
// spawned from this very executable, fed one request line at a time. A worker that crashes
// (a segfault in a driver, the OOM killer) or outlives its watchdog costs only the case it was
// running: the caller records crash/timeout with the tail of the worker's stderr and spawns a
// new worker for the next case.
#pragma once

#include <sys/types.h>

#include <string>

namespace aicert {

// The longest watchdog a case may have (about 11.6 days); a longer one would overflow the
// clock's deadline.
constexpr double kMaxCaseTimeoutS = 1e6;
// "" when `seconds` is a usable watchdog (0 < seconds <= kMaxCaseTimeoutS), else what is wrong.
std::string case_timeout_problem(double seconds);

class WorkerProcess {
 public:
  enum class Outcome { answered, died, timed_out };
  struct Answer {
    Outcome outcome = Outcome::died;
    std::string line;    // the result line when answered
    std::string detail;  // how the worker ended, with the tail of its stderr, otherwise
  };

  explicit WorkerProcess(const std::string& backend);
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;
  // Closes the worker's stdin so it ends by itself; kills it if it does not within a second.
  ~WorkerProcess();

  // Sends one request line and waits up to timeout_s seconds for the answer line. After an
  // outcome other than `answered` the worker is gone and this object must not be asked again.
  Answer ask(const std::string& request_line, double timeout_s);

 private:
  void read_stderr_available();
  std::string ended(const std::string& how);

  pid_t pid_ = -1;
  int in_fd_ = -1, out_fd_ = -1, err_fd_ = -1;
  std::string out_buffer_;
  std::string err_tail_;  // the last few KiB the worker wrote to stderr
};

}  // namespace aicert
