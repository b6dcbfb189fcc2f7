// Thread pool: item hand-out by compare-and-swap on a generation-tagged counter, spin-then-sleep
// waits on std::atomic (futex on Linux).
#include "kernels/cpu/thread_pool.h"

#include <sched.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace aicert::cpu {
namespace {

constexpr int kItemBits = 40;
constexpr std::uint64_t kItemMask = (std::uint64_t{1} << kItemBits) - 1;
constexpr std::uint32_t kGenerationMask = (1u << (64 - kItemBits)) - 1;

std::uint64_t pack_next(std::uint32_t generation, std::int64_t item) {
  return (static_cast<std::uint64_t>(generation & kGenerationMask) << kItemBits) |
         static_cast<std::uint64_t>(item);
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// Spins this many rounds (tens of microseconds: partners that are running arrive well within
// it) before sleeping in the kernel.
constexpr int kSpinRounds = 2000;

// Returns once pred(a) holds: spins, then blocks on a's value changing.
template <class T, class Pred>
void wait_until(const std::atomic<T>& a, Pred pred) {
  for (int i = 0; i < kSpinRounds; ++i) {
    if (pred(a.load(std::memory_order_acquire))) return;
    cpu_relax();
  }
  for (;;) {
    const T v = a.load(std::memory_order_acquire);
    if (pred(v)) return;
    a.wait(v, std::memory_order_acquire);
  }
}

}  // namespace

int ThreadPool::available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

ThreadPool::ThreadPool(int threads) : size_(std::max(1, threads)) {
  workers_.reserve(static_cast<std::size_t>(size_ - 1));
  for (int t = 1; t < size_; ++t) workers_.emplace_back([this, t] { worker_main(t); });
}

ThreadPool::~ThreadPool() {
  stop_.store(true, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  generation_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::worker_main(int thread) {
  std::uint32_t seen = 0;
  for (;;) {
    wait_until(generation_, [seen](std::uint32_t g) { return g != seen; });
    if (stop_.load(std::memory_order_acquire)) return;
    seen = generation_.load(std::memory_order_acquire);
    if (thread < team_.load(std::memory_order_relaxed)) work(seen, thread);
  }
}

void ThreadPool::work(std::uint32_t generation, int thread) {
  const ItemFn fn = fn_.load(std::memory_order_relaxed);
  void* const ctx = ctx_.load(std::memory_order_relaxed);
  const std::int64_t items = items_.load(std::memory_order_relaxed);
  const std::uint32_t tag = generation & kGenerationMask;
  for (;;) {
    std::uint64_t v = next_.load(std::memory_order_acquire);
    do {
      if ((v >> kItemBits) != tag || static_cast<std::int64_t>(v & kItemMask) >= items) return;
    } while (!next_.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel,
                                          std::memory_order_acquire));
    fn(ctx, static_cast<std::int64_t>(v & kItemMask), thread);
    done_.fetch_add(1, std::memory_order_acq_rel);
    done_.notify_all();  // no system call unless someone sleeps on it
  }
}

void ThreadPool::wait_done(std::int64_t count) {
  wait_until(done_, [count](std::int64_t d) { return d >= count; });
}

void ThreadPool::run_erased(std::int64_t items, int team, ItemFn fn, void* ctx) {
  if (items <= 0) return;
  if (static_cast<std::uint64_t>(items) > kItemMask) {
    throw std::invalid_argument("cpu thread pool: " + std::to_string(items) +
                                " items in one run, more than it can count");
  }
  std::lock_guard<std::mutex> lock(run_mutex_);
  // Every item of the previous job was handed out and finished, so nobody claims from next_
  // until it carries the new generation below.
  const std::uint32_t generation = generation_.load(std::memory_order_relaxed) + 1;
  fn_.store(fn, std::memory_order_relaxed);
  ctx_.store(ctx, std::memory_order_relaxed);
  items_.store(items, std::memory_order_relaxed);
  team_.store(std::clamp(team, 1, size_), std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  next_.store(pack_next(generation, 0), std::memory_order_release);
  generation_.store(generation, std::memory_order_release);
  if (team > 1) generation_.notify_all();  // a team of one: sleeping workers sleep on
  work(generation, 0);
  wait_until(done_, [items](std::int64_t d) { return d >= items; });
}

}  // namespace aicert::cpu
