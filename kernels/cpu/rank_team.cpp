// Rank threads, job hand-out, deadlines and failure propagation; see rank_team.h.
#include "kernels/cpu/rank_team.h"

#include <sched.h>

#include <cstring>
#include <mutex>

namespace aicert::cpu {

namespace {
using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}
}  // namespace

struct RankTeam::State {
  int ranks = 0;
  std::shared_ptr<const CorePinning> pinning;
  const std::function<void(int)>* job = nullptr;
  std::atomic<std::uint64_t> generation{0};
  std::atomic<int> finished{0};
  std::atomic<bool> abort{false};
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> deadline_ns{0};
  double timeout_s = 0;
  std::mutex error_mutex;
  std::string first_error;

  void fail(const std::string& what) {
    {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (first_error.empty()) first_error = what;
    }
    abort.store(true, std::memory_order_release);
  }

  void run_rank(int rank) {
    try {
      (*job)(rank);
    } catch (const CollectiveFailure& e) {
      fail(e.what());
    } catch (const std::exception& e) {
      fail("rank " + std::to_string(rank) + " failed: " + e.what());
    }
  }
};

RankTeam::RankTeam(int ranks, std::shared_ptr<const CorePinning> pinning)
    : ranks_(ranks), pinning_(std::move(pinning)), state_(std::make_shared<State>()) {
  state_->ranks = ranks;
  state_->pinning = pinning_;
  workers_.reserve(static_cast<std::size_t>(ranks > 0 ? ranks - 1 : 0));
  for (int r = 1; r < ranks; ++r) workers_.emplace_back(&RankTeam::worker_main, state_, r);
}

RankTeam::~RankTeam() {
  state_->stop.store(true, std::memory_order_release);
  state_->abort.store(true, std::memory_order_release);
  state_->generation.fetch_add(1, std::memory_order_acq_rel);
  state_->generation.notify_all();
  for (auto& w : workers_) {
    // A rank stuck in foreign code cannot be joined; it keeps the shared state alive.
    if (broken_) {
      w.detach();
    } else {
      w.join();
    }
  }
  if (!caller_affinity_.empty() && std::this_thread::get_id() == pinned_caller_) {
    sched_setaffinity(0, caller_affinity_.size(),
                      reinterpret_cast<const cpu_set_t*>(caller_affinity_.data()));
  }
}

void RankTeam::relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

void RankTeam::worker_main(std::shared_ptr<State> state, int rank) {
  std::string why;
  state->pinning->pin_current_thread(rank, &why);  // unpinned still runs correctly
  std::uint64_t seen = 0;
  for (;;) {
    // Spin a little (back-to-back runs of a measurement loop), then sleep in the kernel.
    std::uint64_t g = state->generation.load(std::memory_order_acquire);
    for (int i = 0; i < 4000 && g == seen; ++i) {
      relax();
      g = state->generation.load(std::memory_order_acquire);
    }
    while (g == seen) {
      state->generation.wait(seen, std::memory_order_acquire);
      g = state->generation.load(std::memory_order_acquire);
    }
    seen = g;
    if (state->stop.load(std::memory_order_acquire)) return;
    state->run_rank(rank);
    state->finished.fetch_add(1, std::memory_order_acq_rel);
  }
}

bool RankTeam::aborted() const { return state_->abort.load(std::memory_order_acquire); }

void RankTeam::check_waiting(int rank, int peer, const char* what) const {
  if (state_->abort.load(std::memory_order_acquire)) {
    throw CollectiveFailure("rank " + std::to_string(rank) + " gave up waiting for rank " +
                            std::to_string(peer) + " to " + what + ": the run was aborted");
  }
  if (now_ns() > state_->deadline_ns.load(std::memory_order_relaxed)) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", state_->timeout_s);
    throw CollectiveFailure("rank " + std::to_string(rank) + " timed out after " + seconds +
                            " s waiting for rank " + std::to_string(peer) + " to " + what);
  }
}

void RankTeam::run(const std::function<void(int rank)>& job, double timeout_s) {
  if (broken_) {
    throw std::runtime_error(
        "collective team is broken: a rank never returned from an earlier run");
  }
  if (pinned_caller_ != std::this_thread::get_id()) {
    cpu_set_t old;
    CPU_ZERO(&old);
    if (sched_getaffinity(0, sizeof old, &old) == 0 && caller_affinity_.empty()) {
      caller_affinity_.resize(sizeof old);
      std::memcpy(caller_affinity_.data(), &old, sizeof old);
    }
    std::string why;
    pinning_->pin_current_thread(0, &why);
    pinned_caller_ = std::this_thread::get_id();
  }
  State& s = *state_;
  s.job = &job;
  s.timeout_s = timeout_s;
  s.first_error.clear();
  s.finished.store(0, std::memory_order_relaxed);
  s.abort.store(false, std::memory_order_relaxed);
  const auto timeout_ns = static_cast<std::int64_t>(timeout_s * 1e9);
  s.deadline_ns.store(now_ns() + timeout_ns, std::memory_order_relaxed);
  s.generation.fetch_add(1, std::memory_order_acq_rel);
  s.generation.notify_all();

  s.run_rank(0);

  // Wait for the other ranks: they get the deadline plus a grace period to notice an abort.
  const int others = ranks_ - 1;
  for (int i = 0; i < 4000 && s.finished.load(std::memory_order_acquire) < others; ++i) relax();
  bool aborted_late = false;
  while (s.finished.load(std::memory_order_acquire) < others) {
    const std::int64_t now = now_ns();
    const std::int64_t deadline = s.deadline_ns.load(std::memory_order_relaxed);
    if (!aborted_late && now > deadline) {
      s.fail("timed out after " + std::to_string(timeout_s) + " s");
      aborted_late = true;
    }
    if (now > deadline + timeout_ns / 4 + 100'000'000) {
      broken_ = true;
      std::lock_guard<std::mutex> lock(s.error_mutex);
      throw std::runtime_error(
          "collective: " + std::to_string(others - s.finished.load()) +
          " rank(s) never returned after the timeout of " + std::to_string(timeout_s) +
          " s (hung); first failure: " + (s.first_error.empty() ? "none reported" : s.first_error));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
  std::lock_guard<std::mutex> lock(s.error_mutex);
  if (!s.first_error.empty()) throw std::runtime_error("collective failed: " + s.first_error);
}

}  // namespace aicert::cpu
