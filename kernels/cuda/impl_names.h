// The cuda backend's implementation names: the names its table (impl_table.cpp) lists, that cases,
// reports and --impl carry, and that its kernels' impl() return. One place, so they agree.
#pragma once

#include <string_view>

namespace aicert::cuda {

inline constexpr std::string_view kOwnImpl = "cuda:tiled";  // GEMM, own SIMT / mma.sync kernels
inline constexpr std::string_view kCublasLtImpl = "cuda:cublaslt";  // GEMM through cuBLASLt
inline constexpr std::string_view kWgmmaImpl = "cuda:wgmma";  // GEMM, own Hopper wgmma kernel
inline constexpr std::string_view kFlashImpl = "cuda:flash";  // attention, own flash kernel
inline constexpr std::string_view kStreamImpl = "cuda:stream";  // stream (memory bandwidth)
inline constexpr std::string_view kNcclImpl = "cuda:nccl";  // collectives through NCCL

}  // namespace aicert::cuda
