// "opencl:tiled": the plugin's own GEMM (gemm_tiled.cl) on one device, for fp32, fp16 and bf16
// storage with fp32 accumulation, timed with profiling events.
#pragma once

#include <memory>
#include <string>

#include "kernels/backend_api.h"
#include "kernels/opencl/device_buffers.h"
#include "kernels/opencl/device_context.h"
#include "kernels/opencl/event_timer.h"
#include "kernels/opencl/gemm_tiling.h"
#include "kernels/opencl/impl_names.h"
#include "kernels/opencl/program_cache.h"
#include "workloads/gemm_spec.h"

namespace aicert::opencl {

class TiledGemmKernel final : public Kernel {
 public:
  // Builds the program for spec.dtype (or takes it from the cache) with the first tiling
  // candidate whose kernel the device accepts. Does not check dtype support: callers do
  // (gemm_unsupported_reason). Throws ClError, with the build log when the build fails.
  TiledGemmKernel(std::shared_ptr<const DeviceContext> device, ProgramCache& cache,
                  const GemmSpec& spec);
  // Same with one given tiling (tests, tuning).
  TiledGemmKernel(std::shared_ptr<const DeviceContext> device, ProgramCache& cache,
                  const GemmSpec& spec, const GemmTiling& tiling);

  std::string_view impl() const override { return kTiledImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;
  std::string_view timer_name() const override { return "opencl-profiling-events"; }

  const GemmTiling& tiling() const { return tiling_; }

 private:
  // Empty when the kernel was built and fits the device, else why not.
  std::string try_build(ProgramCache& cache, const GemmTiling& tiling);

  std::shared_ptr<const DeviceContext> device_;
  GemmSpec spec_;
  GemmTiling tiling_;
  QueueHandle queue_;
  KernelHandle kernel_;
  DeviceBuffers buffers_;
  EventTimer timer_;
};

// The OpenCL C source of the tiled GEMM (embedded at build time).
const std::string& tiled_gemm_source();
// The entry point of a layout: "gemm_nn", "gemm_nt", "gemm_tn".
const char* tiled_gemm_entry(GemmLayout layout);

}  // namespace aicert::opencl
