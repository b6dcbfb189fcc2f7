// The CUDA backend of the CUDA benchmarks: created once per process, or null with the runtime's
// reason (no driver, no device), which the benchmark prints before exiting 0.
#pragma once

#include <memory>
#include <string>

#include "kernels/cuda/cuda_backend.h"

namespace aicert::bench {

inline cuda::CudaBackend* cuda_backend(std::string* why) {
  static std::string reason;
  static std::unique_ptr<cuda::CudaBackend> b = cuda::CudaBackend::create(&reason);
  *why = reason;
  return b.get();
}

}  // namespace aicert::bench
