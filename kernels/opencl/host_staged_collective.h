// opencl:host-staged — collectives across the devices of one OpenCL platform (PoCL exposes
// several with POCL_DEVICES="pthread pthread"): rank r's buffers live on the platform's r-th
// device; run() copies every rank's input to the host, carries out the collective there
// (run_collective_on_host) and copies every output back to its device. Timed with steady_clock
// around the whole staging, transfers included.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/opencl/cl_handle.h"
#include "kernels/opencl/device_context.h"
#include "kernels/opencl/impl_names.h"

namespace aicert::opencl {

class HostStagedCollective final : public Kernel {
 public:
  // contexts[r]: the device of rank r.
  HostStagedCollective(const CollectiveSpec& spec,
                       std::vector<std::shared_ptr<const DeviceContext>> contexts);

  std::string_view impl() const override { return kHostStagedImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;

 private:
  struct Rank {
    std::shared_ptr<const DeviceContext> context;
    QueueHandle queue;
    MemHandle in, out;
    std::size_t in_bytes = 0, out_bytes = 0;
    std::vector<std::byte> in_host, out_host;
  };
  CollectiveSpec spec_;
  std::vector<Rank> ranks_;
  std::chrono::steady_clock::duration pending_{};
  bool uploaded_ = false;
};

}  // namespace aicert::opencl
