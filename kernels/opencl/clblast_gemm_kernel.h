// "opencl:clblast": GEMM through CLBlast's C API (CLBlastSgemm, CLBlastHgemm) on the same
// device context as the plugin's own kernel, so both are measured on equal terms.
#pragma once

#include <memory>

#include "kernels/backend_api.h"
#include "kernels/opencl/device_buffers.h"
#include "kernels/opencl/device_context.h"
#include "kernels/opencl/event_timer.h"
#include "kernels/opencl/impl_names.h"
#include "workloads/gemm_spec.h"

namespace aicert::opencl {

class ClblastGemmKernel final : public Kernel {
 public:
  // fp32 (Sgemm) and fp16 (Hgemm); callers check support first (gemm_unsupported_reason).
  ClblastGemmKernel(std::shared_ptr<const DeviceContext> device, const GemmSpec& spec);

  std::string_view impl() const override { return kClblastImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;
  // CLBlast may run several kernels per call (pad, transpose, gemm) and returns the event of
  // the last; the interval starts at a marker enqueued just before the call.
  std::string_view timer_name() const override { return "opencl-profiling-events (marker..last)"; }

 private:
  std::shared_ptr<const DeviceContext> device_;
  GemmSpec spec_;
  QueueHandle queue_;
  DeviceBuffers buffers_;
  EventTimer timer_;
};

// CLBlast's version as "CLBlast <version>" (from its headers at build time).
const char* clblast_version();

}  // namespace aicert::opencl
