// The common part of the plugin's own CUDA kernels: one device, an own stream, whole guarded
// buffers up and down (device_buffers.h), every launch bracketed by CUDA events. A subclass
// writes impl() and run() (make the device current, launch between timer().begin and end).
#pragma once

#include <string_view>

#include "kernels/backend_api.h"
#include "kernels/cuda/device_buffers.h"
#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/device_stream.h"
#include "kernels/cuda/event_timer.h"

namespace aicert::cuda {

class StreamKernel : public Kernel {
 public:
  void upload(const HostTensors& tensors) override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;
  std::string_view timer_name() const override { return "cuda-events"; }

 protected:
  explicit StreamKernel(const DeviceCaps& caps) : stream_(caps.index, caps.label()) {}
  const DeviceStream& stream() const { return stream_; }
  const DeviceBuffers& buffers() const { return buffers_; }
  EventTimer& timer() { return timer_; }

 private:
  DeviceStream stream_;
  DeviceBuffers buffers_;  // after the stream: freed first
  EventTimer timer_;
};

}  // namespace aicert::cuda
