// "cuda:stream": the stream workload (memory bandwidth; copy, mul, add, triad, dot over fp32
// arrays, see workloads/stream_spec.h) with the plugin's own kernels (bandwidth_kernels.cu) on
// one device: float4 grid-stride loops with a scalar tail over a grid sized from the SM count;
// dot reduces in fp64 per block into one device double (zeroed in the same timed region) and
// rounds it once into S. Timed with CUDA events around every command of a launch.
// (Not to be confused with stream_kernel.h: the base class of the kernels that run on a CUDA
// stream, which this one is too.)
#pragma once

#include <string>
#include <string_view>

#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/impl_names.h"
#include "kernels/cuda/stream_kernel.h"
#include "workloads/stream_spec.h"

namespace aicert::cuda {

// Empty when the device can run the spec with cuda:stream, else "not supported: <why>": a dtype
// other than fp32, no code for the device (`own_image_error`: what own_gemm_image_error() said
// for it; the bandwidth kernels are built into the same library for the same architectures), or
// arrays beyond its global memory.
std::string stream_unsupported_reason(const DeviceCaps& caps, const StreamSpec& spec,
                                      const std::string& own_image_error);

class BandwidthKernel final : public StreamKernel {
 public:
  // Does not check support: callers do (stream_unsupported_reason). Allocates dot's device
  // accumulator; throws CudaError when that fails.
  BandwidthKernel(const DeviceCaps& caps, const StreamSpec& spec);
  BandwidthKernel(const BandwidthKernel&) = delete;
  BandwidthKernel& operator=(const BandwidthKernel&) = delete;
  ~BandwidthKernel() override;

  std::string_view impl() const override { return kStreamImpl; }
  void run() override;

  int blocks() const { return blocks_; }  // of the grid-stride loops

 private:
  StreamSpec spec_;
  int blocks_ = 1;
  double* dot_sum_ = nullptr;  // dot only
};

}  // namespace aicert::cuda
