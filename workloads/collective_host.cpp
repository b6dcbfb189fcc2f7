// Host execution of a collective over rank buffers; see collective_host.h.
#include "workloads/collective_host.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace aicert {

namespace {
// memcpy that accepts the null data() of an empty vector when there is nothing to copy.
void copy_bytes(void* dst, const void* src, std::size_t bytes) {
  if (bytes > 0) std::memcpy(dst, src, bytes);
}

// out[o + i] = reduce over ranks of in[r][b + i], i < n.
void reduce_into(const CollectiveSpec& s, const std::vector<const std::byte*>& in, std::int64_t b,
                 std::byte* out, std::int64_t n) {
  const bool max = s.reduce == ReduceOp::max;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto at = static_cast<std::size_t>(b + i);
    if (s.dtype == DType::int32) {
      std::int64_t acc = 0;
      for (int r = 0; r < s.ranks; ++r) {
        std::int32_t v;
        copy_bytes(&v, in[static_cast<std::size_t>(r)] + at * 4, 4);
        acc = r == 0 ? v : (max ? std::max<std::int64_t>(acc, v) : acc + v);
      }
      const auto v = static_cast<std::int32_t>(acc);
      copy_bytes(out + i * 4, &v, 4);
    } else {
      float acc = 0;
      for (int r = 0; r < s.ranks; ++r) {
        const float v = load_as_float(in[static_cast<std::size_t>(r)], s.dtype, at);
        acc = r == 0 ? v : (max ? std::max(acc, v) : acc + v);
      }
      store_from_float(out, s.dtype, static_cast<std::size_t>(i), acc);
    }
  }
}
}  // namespace

void run_collective_on_host(const CollectiveSpec& s, const std::vector<const std::byte*>& in,
                            const std::vector<std::byte*>& out) {
  const auto e = static_cast<std::int64_t>(dtype_size(s.dtype));
  const int n = s.ranks;
  for (int r = 0; r < n; ++r) {
    std::byte* y = out[static_cast<std::size_t>(r)];
    const std::int64_t off = block_offset(s.count, n, r), bc = block_count(s.count, n, r);
    switch (s.op) {
      case CollectiveOp::allreduce:
        if (r == 0) {
          reduce_into(s, in, 0, y, s.count);
        } else {
          copy_bytes(y, out[0], static_cast<std::size_t>(s.count * e));
        }
        break;
      case CollectiveOp::reducescatter:
        reduce_into(s, in, off, y, bc);
        break;
      case CollectiveOp::broadcast:
        copy_bytes(y, in[static_cast<std::size_t>(s.root)], static_cast<std::size_t>(s.count * e));
        break;
      case CollectiveOp::allgather:
        for (int j = 0; j < n; ++j) {
          copy_bytes(y + block_offset(s.count, n, j) * e, in[static_cast<std::size_t>(j)],
                      static_cast<std::size_t>(block_count(s.count, n, j) * e));
        }
        break;
      case CollectiveOp::alltoall:
        for (int i = 0; i < n; ++i) {
          copy_bytes(y + i * bc * e, in[static_cast<std::size_t>(i)] + off * e,
                      static_cast<std::size_t>(bc * e));
        }
        break;
      case CollectiveOp::pairs:
        for (int j = 0; j < n; ++j) {
          copy_bytes(y + j * s.count * e, in[static_cast<std::size_t>(j)],
                      static_cast<std::size_t>(s.count * e));
        }
        break;
    }
  }
}

}  // namespace aicert
