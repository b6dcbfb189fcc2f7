// Where the ranks of an in-process CPU collective run: one core each, taken from the cores this
// process may use (hwloc), round-robin when there are more ranks than cores.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace aicert::cpu {

class CorePinning {
 public:
  // Reads the topology and the process's allowed CPUs; never throws (without hwloc's answer,
  // pin() does nothing and says so in describe()).
  CorePinning();
  ~CorePinning();
  CorePinning(const CorePinning&) = delete;
  CorePinning& operator=(const CorePinning&) = delete;

  int cores() const { return static_cast<int>(core_sets_.size()); }
  // Binds the calling thread to core (index % cores()). Returns false (and why) on failure.
  bool pin_current_thread(int index, std::string* why) const;
  // "rank 0 -> core 0 (PU 0,1); rank 1 -> core 1 (PU 2,3)"
  std::string describe(int ranks) const;

 private:
  void* topology_ = nullptr;             // hwloc_topology_t
  std::vector<void*> core_sets_;         // hwloc_bitmap_t per usable core
  std::vector<std::string> core_names_;  // "core 3 (PU 6,7)"
  std::string problem_;                  // why there is no pinning, when there is none
};

// The size of a team of one thread per core (cpu:stream, cpu:peak): the cores of `pinning`, at
// most `threads`, at least 1.
inline int per_core_team_size(const CorePinning& pinning, int threads) {
  return std::max(1, std::min(threads, std::max(1, pinning.cores())));
}

}  // namespace aicert::cpu
