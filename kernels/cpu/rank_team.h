// The ranks of an in-process CPU collective: rank 0 is the calling thread, ranks 1..N-1 are
// threads of their own, each pinned to a core (CorePinning). run() hands one job to every rank
// and returns when all finished. Nothing waits forever: every wait inside a job goes through
// wait_for(), which gives up at the run's deadline or as soon as another rank failed, so a rank
// that fails or hangs becomes an exception naming it, within the timeout, never a silent hang.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kernels/cpu/core_pinning.h"

namespace aicert::cpu {

// What a rank throws when it gives up (deadline passed, or another rank failed).
struct CollectiveFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class RankTeam {
 public:
  RankTeam(int ranks, std::shared_ptr<const CorePinning> pinning);
  ~RankTeam();
  RankTeam(const RankTeam&) = delete;
  RankTeam& operator=(const RankTeam&) = delete;

  int ranks() const { return ranks_; }
  std::string pinning() const { return pinning_->describe(ranks_); }

  // Runs job(rank) on every rank, rank 0 on the calling thread. Throws std::runtime_error when
  // a rank threw (the first failure, naming the rank) or when a rank has not finished within
  // timeout_s; a team with a rank that never returned is broken and refuses later runs.
  void run(const std::function<void(int rank)>& job, double timeout_s);

  // Inside a job: returns once ready() holds. Throws CollectiveFailure when the run's deadline
  // passes ("rank 0 timed out after 2 s waiting for rank 1 to <what>") or another rank failed.
  template <class Ready>
  void wait_for(int rank, int peer, const char* what, Ready ready) const {
    for (int i = 0; i < 256; ++i) {
      if (ready()) return;
      relax();
    }
    while (!ready()) {
      check_waiting(rank, peer, what);
      std::this_thread::yield();
    }
  }

  // Inside a job: true once the run is aborted (a rank failed or the deadline passed).
  bool aborted() const;

 private:
  struct State;
  static void relax();
  void check_waiting(int rank, int peer, const char* what) const;
  static void worker_main(std::shared_ptr<State> state, int rank);

  int ranks_;
  std::shared_ptr<const CorePinning> pinning_;
  std::shared_ptr<State> state_;
  std::vector<std::thread> workers_;
  bool broken_ = false;
  // The calling thread is pinned as rank 0 on its first run; its old binding comes back in the
  // destructor when that runs on the same thread.
  std::thread::id pinned_caller_;
  std::vector<unsigned char> caller_affinity_;
};

}  // namespace aicert::cpu
