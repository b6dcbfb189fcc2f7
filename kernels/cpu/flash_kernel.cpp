// cpu:flash kernel: upload/run/download around FlashAttention.
#include "kernels/cpu/flash_kernel.h"

#include <stdexcept>
#include <utility>

#include "kernels/cpu/attention_operands.h"

namespace aicert::cpu {

FlashKernel::FlashKernel(const AttentionSpec& spec, const MicroKernel& micro_kernel,
                         const SoftmaxStep& softmax, std::shared_ptr<ThreadPool> pool)
    : spec_(spec), attention_(spec, micro_kernel, softmax, std::move(pool)) {}

void FlashKernel::upload(const HostTensors& tensors) {
  tensors_.upload(tensors);
  check_attention_tensors(spec_, tensors_, kFlashImpl);
}

void FlashKernel::run() {
  if (tensors_.empty()) throw std::logic_error("cpu:flash: run() before upload()");
  timer_.time([this] {
    attention_.run(tensors_.payload("Q"), tensors_.payload("K"), tensors_.payload("V"),
                   tensors_.payload("O"));
  });
}

}  // namespace aicert::cpu
