// The operands of a cpu attention kernel: that uploaded Q, K, V and O are of the case's dtype
// and sizes (Q and O [B,Hq,Sq,D], K and V [B,Hkv,Sk,D]), shared by cpu:flash and cpu:onednn.
#pragma once

#include <string_view>

#include "kernels/cpu/kernel_tensors.h"
#include "workloads/attention_spec.h"

namespace aicert::cpu {

// Throws std::invalid_argument naming the implementation, the tensor and both sizes.
void check_attention_tensors(const AttentionSpec& spec, const KernelTensors& tensors,
                             std::string_view impl);

}  // namespace aicert::cpu
