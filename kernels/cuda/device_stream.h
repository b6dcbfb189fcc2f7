// A CUDA stream on one device, owned by one kernel; every call of the kernel first makes its
// device current (a worker thread may have used another device in between).
#pragma once

#include <cuda_runtime_api.h>

#include <string>

#include "kernels/cuda/cuda_check.h"

namespace aicert::cuda {

class DeviceStream {
 public:
  DeviceStream(int device, std::string label) : device_(device), label_(std::move(label)) {
    activate();
    AICERT_CUDA(label_, cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  }
  DeviceStream(const DeviceStream&) = delete;
  DeviceStream& operator=(const DeviceStream&) = delete;
  ~DeviceStream() {
    if (stream_) {
      cudaSetDevice(device_);
      cudaStreamDestroy(stream_);
    }
  }

  void activate() const { AICERT_CUDA(label_, cudaSetDevice(device_)); }
  cudaStream_t get() const { return stream_; }
  const std::string& label() const { return label_; }
  int device() const { return device_; }

 private:
  int device_;
  std::string label_;
  cudaStream_t stream_ = nullptr;
};

}  // namespace aicert::cuda
