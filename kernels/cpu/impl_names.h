// The cpu backend's implementation names: the names its table (impl_table.cpp) lists, that cases,
// reports and --impl carry, and that its kernels' impl() return. One place, so they agree.
#pragma once

#include <string_view>

namespace aicert::cpu {

inline constexpr std::string_view kBlockedImpl = "cpu:blocked";  // GEMM, own BLIS-style kernel
inline constexpr std::string_view kCblasImpl = "cpu:cblas";  // GEMM through OpenBLAS
inline constexpr std::string_view kOnednnImpl = "cpu:onednn";  // GEMM, attention: oneDNN
inline constexpr std::string_view kFlashImpl = "cpu:flash";  // attention, own flash kernel
inline constexpr std::string_view kShmCollectiveImpl = "cpu:shm";  // collectives, pinned threads
inline constexpr std::string_view kStreamImpl = "cpu:stream";  // memory bandwidth, pinned threads
inline constexpr std::string_view kPeakImpl = "cpu:peak";  // compute peak, pinned threads

}  // namespace aicert::cpu
