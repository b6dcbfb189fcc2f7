// Element-wise reduction of several rank buffers into one, for every collective dtype: 16-bit
// types are widened to fp32, reduced, and rounded once. Used by the shared-memory collectives.
#pragma once

#include <cstddef>
#include <cstdint>

#include "workloads/collective_spec.h"

namespace aicert::cpu {

// out[i] = ins[0][i] op ins[1][i] op ... op ins[n-1][i] for i in [begin, begin + count)
// (element indices; the same offsets in every buffer).
void reduce_buffers(DType dtype, ReduceOp op, const std::byte* const* ins, int n, std::byte* out,
                    std::int64_t begin, std::int64_t count);

// The same with the output at its own offset: out[out_begin + i] = reduce_j ins[j][begin + i].
void reduce_buffers_to(DType dtype, ReduceOp op, const std::byte* const* ins, int n,
                       std::int64_t begin, std::byte* out, std::int64_t out_begin,
                       std::int64_t count);

}  // namespace aicert::cpu
