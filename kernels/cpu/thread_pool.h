// The CPU backend's threads: a fixed pool that runs a job of numbered items, handed out in
// increasing order to whichever threads are running (the caller is thread 0). Items may wait for
// all earlier items to finish (wait_done), which expresses the GEMM's phases without barriers:
// a thread that the OS has descheduled (a busy machine) never holds up the others, it just takes
// fewer items. Waiting threads spin for a few microseconds, then sleep in the kernel (futex via
// std::atomic::wait), so an idle pool costs no CPU and a busy core is not fought over.
// (OpenMP's default barriers spin for milliseconds; on a loaded machine that made a 256^3 GEMM
// ten times slower.)
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace aicert::cpu {

class ThreadPool {
 public:
  // threads: the pool's size, caller included (threads - 1 workers are started).
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return size_; }

  // Runs fn(item, thread) for item in [0, items) on at most `team` threads (thread in
  // [0, size())), and returns when every item has finished. One run at a time (others wait).
  template <class Fn>
  void run(std::int64_t items, int team, Fn& fn) {
    run_erased(
        items, team,
        [](void* ctx, std::int64_t item, int thread) { (*static_cast<Fn*>(ctx))(item, thread); },
        &fn);
  }

  // Inside an item of the current run: returns once `count` items of the run have finished.
  // Only wait for items that precede the caller's own: they were handed out already, so their
  // threads are at work on them (this is what makes the waits deadlock-free).
  void wait_done(std::int64_t count);

  // Number of CPUs this process may run on (sched_getaffinity), at least 1.
  static int available_cpus();

 private:
  using ItemFn = void (*)(void* ctx, std::int64_t item, int thread);
  void run_erased(std::int64_t items, int team, ItemFn fn, void* ctx);
  void worker_main(int thread);
  // Claims and runs items of job `generation` until none are left.
  void work(std::uint32_t generation, int thread);

  int size_;
  std::vector<std::thread> workers_;
  std::mutex run_mutex_;

  // The current job. Written by run() before it publishes the generation; a thread that reads
  // them for an older generation fails its claim (next_ carries the generation) and runs nothing.
  std::atomic<ItemFn> fn_{nullptr};
  std::atomic<void*> ctx_{nullptr};
  std::atomic<std::int64_t> items_{0};
  std::atomic<int> team_{0};
  std::atomic<std::uint64_t> next_{0};  // generation << 40 | next item to hand out
  std::atomic<std::int64_t> done_{0};   // items finished in the current job
  std::atomic<std::uint32_t> generation_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace aicert::cpu
