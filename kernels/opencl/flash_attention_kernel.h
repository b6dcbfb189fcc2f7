// "opencl:flash": the plugin's own attention (attention_flash.cl) on one device, for fp32, fp16
// and bf16 storage with fp32 accumulation, built once per (dtype, head dim) through the program
// cache and timed with profiling events.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kernels/backend_api.h"
#include "kernels/opencl/device_buffers.h"
#include "kernels/opencl/device_context.h"
#include "kernels/opencl/event_timer.h"
#include "kernels/opencl/impl_names.h"
#include "kernels/opencl/program_cache.h"
#include "workloads/attention_spec.h"

namespace aicert::opencl {

// Queries per work-group and keys per local-memory tile for a head dim (see the .cl file).
struct FlashTiling {
  int bq = 32;
  int bk = 32;
  // K and V tiles (BK x D each) and the tile's logits (BK x BQ), in local memory.
  std::size_t local_bytes(std::int64_t head_dim) const {
    return static_cast<std::size_t>(bk) * (2 * static_cast<std::size_t>(head_dim) + bq) *
           sizeof(float);
  }
};
FlashTiling flash_tiling(std::int64_t head_dim);

// Empty when the device can run the spec with opencl:flash, else "not supported: <why>".
std::string flash_unsupported_reason(const DeviceCaps& caps, const AttentionSpec& spec);

class FlashAttentionKernel final : public Kernel {
 public:
  // Builds (or takes from the cache) the program for the spec's dtype and head dim. Throws
  // ClError with the build log when the build fails, std::runtime_error when the compiled
  // kernel does not fit the device.
  FlashAttentionKernel(std::shared_ptr<const DeviceContext> device, ProgramCache& cache,
                       const AttentionSpec& spec);

  std::string_view impl() const override { return kFlashImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;
  std::string_view timer_name() const override { return "opencl-profiling-events"; }

 private:
  std::shared_ptr<const DeviceContext> device_;
  AttentionSpec spec_;
  FlashTiling tiling_;
  QueueHandle queue_;
  KernelHandle kernel_;
  DeviceBuffers buffers_;
  EventTimer timer_;
};

// The OpenCL C source of the flash attention (embedded at build time).
const std::string& flash_attention_source();

}  // namespace aicert::opencl
