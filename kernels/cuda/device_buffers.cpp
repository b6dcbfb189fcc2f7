// Allocation and whole-buffer copies of a case's tensors.
#include "kernels/cuda/device_buffers.h"

#include <stdexcept>

#include "kernels/cuda/cuda_check.h"

namespace aicert::cuda {

DeviceBuffers::~DeviceBuffers() { release(); }

void DeviceBuffers::release() noexcept {
  for (Buffer& b : buffers_) cudaFree(b.whole);
  buffers_.clear();
}

void DeviceBuffers::upload(const HostTensors& tensors, cudaStream_t stream,
                           const std::string& where) {
  release();
  for (const Tensor& t : tensors.tensors) {
    Buffer b{t.name, nullptr, t.buffer.total_bytes()};
    AICERT_CUDA(where, cudaMalloc(&b.whole, b.bytes));
    buffers_.push_back(b);
    AICERT_CUDA(
        where, cudaMemcpyAsync(b.whole, t.buffer.whole(), b.bytes, cudaMemcpyHostToDevice, stream));
  }
  AICERT_CUDA(where, cudaStreamSynchronize(stream));
}

void DeviceBuffers::download(HostTensors& tensors, cudaStream_t stream,
                             const std::string& where) const {
  for (Tensor& t : tensors.tensors) {
    if (!t.is_output) continue;
    for (const Buffer& b : buffers_) {
      if (b.name != t.name) continue;
      if (b.bytes != t.buffer.total_bytes()) {
        throw std::invalid_argument("tensor " + t.name + " changed size since the upload");
      }
      AICERT_CUDA(where, cudaMemcpyAsync(t.buffer.whole(), b.whole, b.bytes, cudaMemcpyDeviceToHost,
                                         stream));
    }
  }
  AICERT_CUDA(where, cudaStreamSynchronize(stream));
}

void* DeviceBuffers::payload(const std::string& name) const {
  for (const Buffer& b : buffers_) {
    if (b.name == name) return static_cast<std::byte*>(b.whole) + GuardedBuffer::payload_offset();
  }
  throw std::out_of_range("no device tensor '" + name + "'");
}

}  // namespace aicert::cuda
