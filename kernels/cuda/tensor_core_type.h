// The 16-bit input types of the tensor-core (mma.sync) kernels, shared by the GEMM and attention
// launch headers. Plain C++, so host code names it without CUDA device headers.
#pragma once

namespace aicert::cuda {

enum class TensorCoreType { fp16, bf16 };

}  // namespace aicert::cuda
