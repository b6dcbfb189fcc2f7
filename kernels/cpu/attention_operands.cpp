// Size and dtype check of the attention operands; see attention_operands.h.
#include "kernels/cpu/attention_operands.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace aicert::cpu {

void check_attention_tensors(const AttentionSpec& spec, const KernelTensors& tensors,
                             std::string_view impl) {
  const std::size_t e = dtype_size(spec.dtype);
  const auto q_bytes =
      static_cast<std::size_t>(spec.batch * spec.q_heads * spec.q_len * spec.head_dim) * e;
  const auto kv_bytes =
      static_cast<std::size_t>(spec.batch * spec.kv_heads * spec.kv_len * spec.head_dim) * e;
  for (const auto& [name, bytes] : {std::pair<const char*, std::size_t>{"Q", q_bytes},
                                    {"K", kv_bytes},
                                    {"V", kv_bytes},
                                    {"O", q_bytes}}) {
    if (tensors.dtype(name) != spec.dtype || tensors.payload_bytes(name) != bytes) {
      throw std::invalid_argument(std::string(impl) + ": tensor " + name + " is " +
                                  std::string(dtype_name(tensors.dtype(name))) + ", " +
                                  std::to_string(tensors.payload_bytes(name)) +
                                  " bytes; the case needs " + std::string(dtype_name(spec.dtype)) +
                                  ", " + std::to_string(bytes) + " bytes");
    }
  }
}

}  // namespace aicert::cpu
