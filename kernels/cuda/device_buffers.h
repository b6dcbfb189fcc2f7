// Device copies of a case's tensors: whole guarded buffers (guards included) go up and come
// back, kernels compute only into the payload, so a write out of bounds shows in a guard.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>
#include <vector>

#include "workloads/host_tensors.h"

namespace aicert::cuda {

class DeviceBuffers {
 public:
  DeviceBuffers() = default;
  DeviceBuffers(const DeviceBuffers&) = delete;
  DeviceBuffers& operator=(const DeviceBuffers&) = delete;
  ~DeviceBuffers();

  // Frees what was there, allocates and copies every tensor (synchronously on `stream`).
  void upload(const HostTensors& tensors, cudaStream_t stream, const std::string& where);
  // Copies every output tensor's whole buffer back (waits for `stream`).
  void download(HostTensors& tensors, cudaStream_t stream, const std::string& where) const;
  // The payload of a tensor on the device; throws std::out_of_range for an unknown name.
  void* payload(const std::string& name) const;
  bool empty() const { return buffers_.empty(); }

 private:
  struct Buffer {
    std::string name;
    void* whole = nullptr;
    std::size_t bytes = 0;
  };
  void release() noexcept;
  std::vector<Buffer> buffers_;
};

}  // namespace aicert::cuda
