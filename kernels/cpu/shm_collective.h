// The shared-memory algorithms of the in-process CPU collectives. Every rank reads its peers'
// buffers directly (one address space) and ranks synchronize through one progress flag each
// (a cache line of its own): "entered op e" and "finished chunk k of op e".
//   allreduce, small (<= kOneShotBytes): one-shot — every rank reduces the whole vector from all
//     inputs; one entry barrier, no other synchronization.
//   allreduce, large: reduce-scatter + all-gather, chunked and pipelined — the vector is cut
//     into chunks, each chunk into one slice per rank; rank r reduces slice r of chunk k into
//     its output and flags it, then copies the peers' reduced slices of chunk k-1 from their
//     outputs, so reducing and gathering overlap and each chunk is still in cache when read.
//   reducescatter: rank r reduces block r from every input.
//   allgather, broadcast, alltoall: each rank copies what it receives straight from the
//     sender's buffer (a single copy, no staging).
// All ranks run their part at once; none is a serial loop over ranks.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/cpu/rank_team.h"
#include "workloads/collective_spec.h"

namespace aicert::cpu {

class ShmCollective {
 public:
  static constexpr double kOneShotBytes = 64 * 1024;
  static constexpr std::int64_t kChunkBytes = 256 * 1024;

  explicit ShmCollective(const CollectiveSpec& spec);

  // Rank `rank`'s part of op number `epoch` (1, 2, ...): in[r] and out[r] are rank r's input
  // and output buffers (laid out as in workloads/collective_layout.h). Waits go through team.
  void run_rank(int rank, std::uint64_t epoch, const std::vector<const std::byte*>& in,
                const std::vector<std::byte*>& out, const RankTeam& team);

  // "one-shot" or "rs+ag pipelined, 64 chunks of 256 KiB": what run_rank does for this spec.
  std::string algorithm() const;

 private:
  struct alignas(64) Flag {
    std::atomic<std::uint64_t> value{0};
  };
  void publish(int rank, std::uint64_t value);
  void wait_progress(const RankTeam& team, int rank, int peer, std::uint64_t value,
                     const char* what) const;

  CollectiveSpec spec_;
  std::size_t elem_ = 0;
  std::int64_t chunk_elems_ = 0;
  std::vector<Flag> progress_;
};

}  // namespace aicert::cpu
