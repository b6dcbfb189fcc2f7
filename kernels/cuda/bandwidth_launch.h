// Host entry point of the stream workload's CUDA kernels (bandwidth_kernels.cu): BabelStream's
// copy, mul, add, triad and dot over fp32 arrays. Plain types only, so nvcc sees no harness
// headers.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace aicert::cuda {

enum class BandwidthOp { copy, mul, add, triad, dot };

// Threads per block of every bandwidth kernel (a multiple of the warp size).
inline constexpr int kBandwidthThreads = 256;

struct BandwidthLaunch {
  BandwidthOp op = BandwidthOp::copy;
  std::int64_t count = 0;  // elements of each array
  float scalar = 0;        // mul, triad
  const float* a = nullptr;
  const float* b = nullptr;   // add, triad, dot
  float* c = nullptr;         // copy, mul, add, triad
  float* s = nullptr;         // dot: the one-element result
  double* dot_sum = nullptr;  // dot: a device double the blocks accumulate into
  int blocks = 1;             // of the grid-stride loops
};

// Blocks of the grid-stride loops for `count` elements on a device of `sm_count` SMs: one float4
// per thread where that fills fewer blocks than the device keeps resident, else enough blocks
// to fill every SM.
int bandwidth_blocks(std::int64_t count, int sm_count);

// Enqueues one launch on `stream`; dot is three commands (zero dot_sum, the reduction, the
// rounding into s). Every pointer must be 16-byte aligned. Returns the first error.
cudaError_t launch_bandwidth(const BandwidthLaunch& l, cudaStream_t stream);

}  // namespace aicert::cuda
