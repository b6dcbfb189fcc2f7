// The stream workload's CUDA kernels (BabelStream's five, see workloads/stream_spec.h), fp32:
//   copy C = A, mul C = s * A, add C = A + B, triad C = A + s * B: one grid-stride loop over
//   float4 vectors (the payload of a guarded buffer starts 256 bytes into a cudaMalloc'd block,
//   so it is 16-byte aligned), then over the count % 4 scalars of the tail;
//   dot S = sum A[i] * B[i]: the same loops accumulate in double per thread, a block reduces its
//   threads' sums in double (warp shuffles, then one warp over the warps' sums) and adds its
//   total with one atomicAdd(double*) to a device accumulator that the launch zeroes first
//   (cudaMemsetAsync); a one-thread kernel then writes (float) accumulator into S.
// Each launch writes its whole output from the inputs alone, so repeated launches are idempotent.
//
// Dot exactness: the inputs are integers in [-1024, 1024], so each fp32 product A[i] * B[i] is
// exact; it is widened to double, and every partial sum of at most 2^31 such products is an
// integer below 2^52, exact in double in any order: thread, shuffle-tree and atomicAdd order do
// not matter. The exact total is rounded once to fp32 (round to nearest even), so S has the same
// bits on every run and every device.
#include <cstdint>

#include "kernels/cuda/bandwidth_launch.h"

namespace aicert::cuda {
namespace {

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = kBandwidthThreads / kWarp;
static_assert(kBandwidthThreads % kWarp == 0, "whole warps");
// Resident blocks per SM the grid-stride loops aim at: 8 x 256 threads = 2048, the most an SM of
// compute capability 8.0 and 9.0 holds.
constexpr int kBlocksPerSm = 8;

template <BandwidthOp Op>
__device__ __forceinline__ float apply(float a, float b, float s) {
  if constexpr (Op == BandwidthOp::copy) {
    return a;
  } else if constexpr (Op == BandwidthOp::mul) {
    return s * a;
  } else if constexpr (Op == BandwidthOp::add) {
    return a + b;
  } else {
    return a + s * b;  // triad (exact for the integer inputs, fused or not)
  }
}

__device__ __forceinline__ std::int64_t first_index() {
  return static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ std::int64_t grid_stride() {
  return static_cast<std::int64_t>(gridDim.x) * blockDim.x;
}

// copy, mul, add, triad. b is not read by copy and mul (may be null).
template <BandwidthOp Op>
__global__ void __launch_bounds__(kBandwidthThreads)
    elementwise(std::int64_t n, float s, const float* __restrict__ a, const float* __restrict__ b,
                float* __restrict__ c) {
  constexpr bool kReadsB = Op == BandwidthOp::add || Op == BandwidthOp::triad;
  const std::int64_t n4 = n / 4, first = first_index(), stride = grid_stride();
  const auto* a4 = reinterpret_cast<const float4*>(a);
  const auto* b4 = reinterpret_cast<const float4*>(b);
  auto* c4 = reinterpret_cast<float4*>(c);
  for (std::int64_t i = first; i < n4; i += stride) {
    const float4 x = a4[i];
    const float4 y = kReadsB ? b4[i] : float4{0, 0, 0, 0};
    c4[i] = float4{apply<Op>(x.x, y.x, s), apply<Op>(x.y, y.y, s), apply<Op>(x.z, y.z, s),
                   apply<Op>(x.w, y.w, s)};
  }
  for (std::int64_t i = n4 * 4 + first; i < n; i += stride) {
    c[i] = apply<Op>(a[i], kReadsB ? b[i] : 0.0f, s);
  }
}

__device__ __forceinline__ double warp_sum(double v) {
#pragma unroll
  for (int offset = kWarp / 2; offset > 0; offset /= 2) {
    v += __shfl_down_sync(0xffffffffu, v, offset);
  }
  return v;
}

// Adds the block's sum of A[i] * B[i] over its share of the grid-stride loops to *sum.
__global__ void __launch_bounds__(kBandwidthThreads)
    dot_reduce(std::int64_t n, const float* __restrict__ a, const float* __restrict__ b,
               double* __restrict__ sum) {
  const std::int64_t n4 = n / 4, first = first_index(), stride = grid_stride();
  const auto* a4 = reinterpret_cast<const float4*>(a);
  const auto* b4 = reinterpret_cast<const float4*>(b);
  double acc = 0;
  for (std::int64_t i = first; i < n4; i += stride) {
    const float4 x = a4[i], y = b4[i];
    // Each fp32 product is exact (integer inputs); the double sums are exact too.
    acc += (static_cast<double>(x.x * y.x) + static_cast<double>(x.y * y.y)) +
           (static_cast<double>(x.z * y.z) + static_cast<double>(x.w * y.w));
  }
  for (std::int64_t i = n4 * 4 + first; i < n; i += stride) {
    acc += static_cast<double>(a[i] * b[i]);
  }

  __shared__ double warp_sums[kWarpsPerBlock];
  const int lane = static_cast<int>(threadIdx.x) % kWarp;
  const int warp = static_cast<int>(threadIdx.x) / kWarp;
  acc = warp_sum(acc);
  if (lane == 0) warp_sums[warp] = acc;
  __syncthreads();
  if (warp == 0) {
    acc = warp_sum(lane < kWarpsPerBlock ? warp_sums[lane] : 0.0);
    if (lane == 0) atomicAdd(sum, acc);
  }
}

// The exact total rounded once to fp32.
__global__ void dot_round(const double* __restrict__ sum, float* __restrict__ s) {
  *s = __double2float_rn(*sum);
}

template <BandwidthOp Op>
cudaError_t launch_elementwise(const BandwidthLaunch& l, cudaStream_t stream) {
  elementwise<Op><<<l.blocks, kBandwidthThreads, 0, stream>>>(l.count, l.scalar, l.a, l.b, l.c);
  return cudaGetLastError();
}

}  // namespace

int bandwidth_blocks(std::int64_t count, int sm_count) {
  const std::int64_t vectors = (count > 0 ? count + 3 : 0) / 4;
  const std::int64_t wanted = (vectors + kBandwidthThreads - 1) / kBandwidthThreads;
  const std::int64_t resident =
      static_cast<std::int64_t>(sm_count > 0 ? sm_count : 1) * kBlocksPerSm;
  return static_cast<int>(wanted < 1 ? 1 : (wanted < resident ? wanted : resident));
}

cudaError_t launch_bandwidth(const BandwidthLaunch& l, cudaStream_t stream) {
  switch (l.op) {
    case BandwidthOp::copy:
      return launch_elementwise<BandwidthOp::copy>(l, stream);
    case BandwidthOp::mul:
      return launch_elementwise<BandwidthOp::mul>(l, stream);
    case BandwidthOp::add:
      return launch_elementwise<BandwidthOp::add>(l, stream);
    case BandwidthOp::triad:
      return launch_elementwise<BandwidthOp::triad>(l, stream);
    case BandwidthOp::dot: {
      if (const cudaError_t e = cudaMemsetAsync(l.dot_sum, 0, sizeof(double), stream);
          e != cudaSuccess) {
        return e;
      }
      dot_reduce<<<l.blocks, kBandwidthThreads, 0, stream>>>(l.count, l.a, l.b, l.dot_sum);
      if (const cudaError_t e = cudaGetLastError(); e != cudaSuccess) return e;
      dot_round<<<1, 1, 0, stream>>>(l.dot_sum, l.s);
      return cudaGetLastError();
    }
  }
  return cudaErrorInvalidValue;
}

}  // namespace aicert::cuda
