// Shared-memory collective algorithms; see shm_collective.h.
#include "kernels/cpu/shm_collective.h"

#include <algorithm>
#include <cstring>

#include "kernels/cpu/shm_reduce.h"

namespace aicert::cpu {

ShmCollective::ShmCollective(const CollectiveSpec& spec)
    : spec_(spec),
      elem_(dtype_size(spec.dtype)),
      chunk_elems_(std::max<std::int64_t>(kChunkBytes / static_cast<std::int64_t>(elem_), 1)),
      progress_(static_cast<std::size_t>(spec.ranks)) {}

std::string ShmCollective::algorithm() const {
  switch (spec_.op) {
    case CollectiveOp::allreduce: {
      if (spec_.bytes() <= kOneShotBytes || spec_.ranks == 1) return "one-shot";
      const std::int64_t chunks = (spec_.count + chunk_elems_ - 1) / chunk_elems_;
      return "rs+ag pipelined, " + std::to_string(chunks) + " chunks of " +
             std::to_string(kChunkBytes / 1024) + " KiB";
    }
    case CollectiveOp::reducescatter:
      return "direct reduce";
    case CollectiveOp::allgather:
    case CollectiveOp::broadcast:
    case CollectiveOp::alltoall:
      return "direct copy";
    case CollectiveOp::pairs:
      return "direct copy, every pair at once (shared memory has no links to sweep)";
  }
  return "?";
}

void ShmCollective::publish(int rank, std::uint64_t value) {
  progress_[static_cast<std::size_t>(rank)].value.store(value, std::memory_order_release);
}

void ShmCollective::wait_progress(const RankTeam& team, int rank, int peer, std::uint64_t value,
                                  const char* what) const {
  const auto& flag = progress_[static_cast<std::size_t>(peer)].value;
  team.wait_for(rank, peer, what, [&] { return flag.load(std::memory_order_acquire) >= value; });
}

void ShmCollective::run_rank(int r, std::uint64_t epoch, const std::vector<const std::byte*>& in,
                             const std::vector<std::byte*>& out, const RankTeam& team) {
  const int n = spec_.ranks;
  const std::int64_t count = spec_.count;
  const auto e = static_cast<std::int64_t>(elem_);
  const std::uint64_t base = epoch << 32;

  // Entry barrier: a peer that entered op `epoch` has finished everything of the op before
  // (including its reads of our output), and its input is ready.
  publish(r, base);
  for (int d = 1; d < n; ++d) wait_progress(team, r, (r + d) % n, base, "enter the collective");

  switch (spec_.op) {
    case CollectiveOp::allreduce: {
      if (spec_.bytes() <= kOneShotBytes || n == 1) {
        reduce_buffers(spec_.dtype, spec_.reduce, in.data(), n, out[static_cast<std::size_t>(r)], 0,
                       count);
        break;
      }
      const std::int64_t chunks = (count + chunk_elems_ - 1) / chunk_elems_;
      std::byte* mine = out[static_cast<std::size_t>(r)];
      for (std::int64_t k = 0; k <= chunks; ++k) {
        if (k < chunks) {
          const std::int64_t start = k * chunk_elems_;
          const std::int64_t len = std::min(chunk_elems_, count - start);
          reduce_buffers(spec_.dtype, spec_.reduce, in.data(), n, mine,
                         start + block_offset(len, n, r), block_count(len, n, r));
          publish(r, base + static_cast<std::uint64_t>(k) + 1);
        }
        if (k >= 1) {  // gather the slices of the previous chunk while peers reduce this one
          const std::int64_t start = (k - 1) * chunk_elems_;
          const std::int64_t len = std::min(chunk_elems_, count - start);
          for (int d = 1; d < n; ++d) {
            const int j = (r + d) % n;
            wait_progress(team, r, j, base + static_cast<std::uint64_t>(k), "reduce its slice");
            const std::int64_t off = start + block_offset(len, n, j);
            std::memcpy(mine + off * e, out[static_cast<std::size_t>(j)] + off * e,
                        static_cast<std::size_t>(block_count(len, n, j) * e));
          }
        }
      }
      break;
    }
    case CollectiveOp::reducescatter:
      reduce_buffers_to(spec_.dtype, spec_.reduce, in.data(), n, block_offset(count, n, r),
                        out[static_cast<std::size_t>(r)], 0, block_count(count, n, r));
      break;
    case CollectiveOp::allgather:
      for (int d = 0; d < n; ++d) {
        const int j = (r + d) % n;
        std::memcpy(out[static_cast<std::size_t>(r)] + block_offset(count, n, j) * e,
                    in[static_cast<std::size_t>(j)],
                    static_cast<std::size_t>(block_count(count, n, j) * e));
      }
      break;
    case CollectiveOp::broadcast:
      std::memcpy(out[static_cast<std::size_t>(r)], in[static_cast<std::size_t>(spec_.root)],
                  static_cast<std::size_t>(count * e));
      break;
    case CollectiveOp::alltoall: {
      const std::int64_t bc = block_count(count, n, r), off = block_offset(count, n, r);
      for (int d = 0; d < n; ++d) {
        const int i = (r + d) % n;
        std::memcpy(out[static_cast<std::size_t>(r)] + i * bc * e,
                    in[static_cast<std::size_t>(i)] + off * e, static_cast<std::size_t>(bc * e));
      }
      break;
    }
    case CollectiveOp::pairs:
      for (int d = 0; d < n; ++d) {
        const int j = (r + d) % n;
        std::memcpy(out[static_cast<std::size_t>(r)] + j * count * e,
                    in[static_cast<std::size_t>(j)], static_cast<std::size_t>(count * e));
      }
      break;
  }
}

}  // namespace aicert::cpu
