// Watchdog thread of the mpi backend; see mpi_watchdog.h.
#include "kernels/mpi/mpi_watchdog.h"

#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace aicert::mpi {

namespace {
constexpr std::chrono::seconds kForwardGrace{1};
}  // namespace

Watchdog::Watchdog(int rank, double timeout_s, std::function<void(const std::string&)> on_expiry)
    : rank_(rank), timeout_s_(timeout_s), on_expiry_(std::move(on_expiry)),
      thread_([this] { main(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Watchdog::arm(const std::string& what) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    armed_ = true;
    ++generation_;
    what_ = what;
  }
  cv_.notify_all();
}

void Watchdog::disarm() {
  std::lock_guard<std::mutex> lock(mutex_);
  armed_ = false;
}

void Watchdog::main() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || armed_; });
    if (stop_) return;
    const std::uint64_t generation = generation_;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(timeout_s_));
    const bool ended = cv_.wait_until(
        lock, deadline, [&] { return stop_ || !armed_ || generation_ != generation; });
    if (ended) continue;
    // Composed once: the hook and the abort name the call that timed out, even if the hook
    // takes long enough for what_ to change.
    char text[512];
    std::snprintf(text, sizeof text, "%s did not complete within %g s (AICERT_COLLECTIVE_TIMEOUT_S)",
                  what_.c_str(), timeout_s_);
    const std::string line = text;
    if (on_expiry_) {
      lock.unlock();  // the hook may take long (rank 0 writes its report) and arm() must not wait
      on_expiry_(line);
      lock.lock();
    }
    std::fprintf(stderr, "aicert: mpi rank %d: %s: a rank failed or hangs; aborting the job\n",
                 rank_, line.c_str());
    std::fflush(stderr);
    // The line is in the launcher's pipe, not yet on the user's terminal: MPICH's Hydra handles
    // the abort and the rank's stderr in one poll loop and, when the abort wins, tears the job
    // down without forwarding the line (seen about once in 80 runs under load). A pause before
    // aborting lets it drain; after a timeout of seconds, one more second costs nothing.
    std::this_thread::sleep_for(kForwardGrace);
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
}

}  // namespace aicert::mpi
