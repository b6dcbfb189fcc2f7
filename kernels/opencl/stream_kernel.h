// "opencl:stream": the stream workload (memory bandwidth; copy, mul, add, triad, dot over fp32
// arrays, see workloads/stream_spec.h) with the plugin's own kernels (stream.cl) on one device:
// one kernel per op, float4 grid-stride loops with a scalar tail, and for dot a per-work-group
// fp64 reduction into a small device buffer of partial sums, then a one-work-group kernel that
// sums them in fp64 and writes S rounded once to fp32. Timed with profiling events (dot: from a
// marker before its two kernels to the end of the second).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kernels/backend_api.h"
#include "kernels/opencl/device_buffers.h"
#include "kernels/opencl/device_caps.h"
#include "kernels/opencl/device_context.h"
#include "kernels/opencl/event_timer.h"
#include "kernels/opencl/impl_names.h"
#include "kernels/opencl/program_cache.h"
#include "workloads/stream_spec.h"

namespace aicert::opencl {

// Empty when the device can run the spec with opencl:stream, else "not supported: <why>": dot
// without cl_khr_fp64, a device without a compiler, a dtype other than fp32, an array larger
// than the device's largest allocation or arrays beyond its global memory.
std::string stream_unsupported_reason(const DeviceCaps& caps, const StreamSpec& spec);

// Work-groups of the grid-stride loops for arrays of `count` elements at `local` work-items per
// group: on a GPU one float4 per work-item up to 16 work-groups per compute unit; on a CPU
// enough work-groups for a few float4 per work-item (see stream_kernel.cpp).
std::size_t stream_work_groups(const DeviceCaps& caps, std::int64_t count, std::size_t local);

class StreamKernel final : public Kernel {
 public:
  // Builds (or takes from the cache) stream.cl for the device and creates the op's kernel(s).
  // Does not check support: callers do (stream_unsupported_reason). Throws ClError with the
  // build log when the build fails.
  StreamKernel(std::shared_ptr<const DeviceContext> device, ProgramCache& cache,
               const StreamSpec& spec);

  std::string_view impl() const override { return kStreamImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;
  std::string_view timer_name() const override { return "opencl-profiling-events"; }

  // Launch geometry: work-items per work-group (a power of two) and work-groups of the op's
  // kernel (dot: also the number of partial sums).
  std::size_t work_group_size() const { return local_; }
  std::size_t work_groups() const { return groups_; }

 private:
  std::shared_ptr<const DeviceContext> device_;
  StreamSpec spec_;
  QueueHandle queue_;
  KernelHandle kernel_;     // the op's kernel
  KernelHandle dot_final_;  // dot only: sums the partials into S
  MemHandle partials_;      // dot only: one double per work-group
  std::size_t local_ = 1, groups_ = 1;
  std::size_t final_local_ = 1;  // work-group size of dot_final_
  DeviceBuffers buffers_;
  EventTimer timer_;
};

// The OpenCL C source of the stream kernels (embedded at build time).
const std::string& stream_source();
// The entry point of an op: "stream_copy", ..., "stream_dot".
const char* stream_entry(StreamOp op);

}  // namespace aicert::opencl
