// The one way CUDA runtime and cuBLASLt calls are checked: AICERT_CUDA(where, call) evaluates
// the call and throws CudaError naming the call, the error's name and the device (`where`,
// e.g. "cuda device 0 'NVIDIA H100'") when it did not succeed.
#pragma once

#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace aicert::cuda {

class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "cudaMalloc(&p, n) failed: cudaErrorMemoryAllocation (out of memory) on <where> [file:line]".
[[noreturn]] void throw_cuda_error(std::string_view error, const char* call, std::string_view where,
                                   const char* file, int line);

// "cudaErrorNoDevice (no CUDA-capable device is detected)".
std::string cuda_error_text(cudaError_t status);
// "CUBLAS_STATUS_NOT_SUPPORTED (the functionality requested is not supported)".
std::string cublas_error_text(cublasStatus_t status);

inline void check(cudaError_t status, const char* call, std::string_view where, const char* file,
                  int line) {
  if (status != cudaSuccess) throw_cuda_error(cuda_error_text(status), call, where, file, line);
}
inline void check(cublasStatus_t status, const char* call, std::string_view where, const char* file,
                  int line) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw_cuda_error(cublas_error_text(status), call, where, file, line);
  }
}

}  // namespace aicert::cuda

#define AICERT_CUDA(where, call) ::aicert::cuda::check((call), #call, (where), __FILE__, __LINE__)
