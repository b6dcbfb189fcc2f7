// The five stream loops of cpu:stream over one thread's chunk [0, n) of the arrays (see
// workloads/stream_spec.h). With non_temporal, stores bypass the caches (SSE2 movntps, then an
// sfence): an array larger than the last-level cache is then written without first being read
// into it (no write-allocate traffic), which is the bandwidth that stream reports. Cache-resident
// arrays are faster with ordinary stores, so the caller decides.
#pragma once

#include <cstdint>

#include "workloads/stream_spec.h"

namespace aicert::cpu {

struct StreamChunk {
  const float* a = nullptr;
  const float* b = nullptr;  // add, triad, dot
  float* c = nullptr;        // copy, mul, add, triad
  std::int64_t n = 0;
};

// Runs `op` over the chunk. For dot, returns the chunk's sum of A*B accumulated in fp64 (exact
// for stream's integer inputs, whatever the order); 0 for the others.
double run_stream_chunk(StreamOp op, const StreamChunk& chunk, bool non_temporal);

}  // namespace aicert::cpu
