// oneDNN (Intel's deep-learning primitives library, what PyTorch's CPU path runs on): its
// version, CPU threading runtime and the ISA its kernels dispatch to on this CPU, for the
// backend's runtime string and the refusals of cpu:onednn; the dtype mapping its kernels share.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <oneapi/dnnl/dnnl.hpp>

#include "workloads/dtype.h"

namespace aicert::cpu {

// "2.6.3 (OpenMP)".
std::string onednn_version();
// The instruction set oneDNN's JIT kernels use here, e.g. "avx512_core_bf16".
std::string onednn_isa();

// oneDNN's data type of a dtype; none for int32 and fp8.
std::optional<dnnl::memory::data_type> onednn_type(DType t);

// The not-supported reason when oneDNN has no kernel (status unimplemented) for `what` of
// `dtype`: "oneDNN 2.6.3 (OpenMP) has no bf16 matmul here (dispatch ISA avx2): ...".
std::string onednn_refusal(std::string_view what, DType dtype, const dnnl::error& e);

}  // namespace aicert::cpu
