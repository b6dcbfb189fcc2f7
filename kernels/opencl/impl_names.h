// The opencl backend's implementation names: the names its table (impl_table.cpp) lists, that cases,
// reports and --impl carry, and that its kernels' impl() return. One place, so they agree.
#pragma once

#include <string_view>

namespace aicert::opencl {

inline constexpr std::string_view kTiledImpl = "opencl:tiled";  // GEMM, own tiled kernel
inline constexpr std::string_view kClblastImpl = "opencl:clblast";  // GEMM through CLBlast (when built with it)
inline constexpr std::string_view kFlashImpl = "opencl:flash";  // attention, own flash kernel
inline constexpr std::string_view kStreamImpl = "opencl:stream";  // stream (memory bandwidth)
inline constexpr std::string_view kHostStagedImpl = "opencl:host-staged";  // collectives staged through the host

}  // namespace aicert::opencl
