// cpu:flash kernel: upload/run/download around FlashAttention.
#include "kernels/cpu/flash_kernel.h"

#include <stdexcept>
#include <utility>

namespace aicert::cpu {

FlashKernel::FlashKernel(const AttentionSpec& spec, const MicroKernel& micro_kernel,
                         const SoftmaxStep& softmax, std::shared_ptr<ThreadPool> pool)
    : spec_(spec), attention_(spec, micro_kernel, softmax, std::move(pool)) {}

void FlashKernel::upload(const HostTensors& tensors) {
  tensors_.upload(tensors);
  const std::size_t e = dtype_size(spec_.dtype);
  const auto q_bytes =
      static_cast<std::size_t>(spec_.batch * spec_.q_heads * spec_.q_len * spec_.head_dim) * e;
  const auto kv_bytes =
      static_cast<std::size_t>(spec_.batch * spec_.kv_heads * spec_.kv_len * spec_.head_dim) * e;
  for (const auto& [name, bytes] : {std::pair<const char*, std::size_t>{"Q", q_bytes},
                                    {"K", kv_bytes},
                                    {"V", kv_bytes},
                                    {"O", q_bytes}}) {
    if (tensors_.dtype(name) != spec_.dtype || tensors_.payload_bytes(name) != bytes) {
      throw std::invalid_argument(std::string("cpu:flash: tensor ") + name + " is " +
                                  std::string(dtype_name(tensors_.dtype(name))) + ", " +
                                  std::to_string(tensors_.payload_bytes(name)) +
                                  " bytes; the case needs " + std::string(dtype_name(spec_.dtype)) +
                                  ", " + std::to_string(bytes) + " bytes");
    }
  }
}

void FlashKernel::run() {
  if (tensors_.empty()) throw std::logic_error("cpu:flash: run() before upload()");
  timer_.time([this] {
    attention_.run(tensors_.payload("Q"), tensors_.payload("K"), tensors_.payload("V"),
                   tensors_.payload("O"));
  });
}

}  // namespace aicert::cpu
