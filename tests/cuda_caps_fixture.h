// A described CUDA device for the suites that test support decisions without a GPU.
#pragma once

#include <cstdint>

#include "kernels/cuda/device_caps.h"

namespace aicert::cuda::test {

// An H100 SXM as the runtime describes it (80 GiB, 132 SMs, 227 KiB of opt-in shared memory).
inline DeviceCaps h100() {
  DeviceCaps c;
  c.index = 0;
  c.name = "NVIDIA H100 80GB HBM3";
  c.cc_major = 9;
  c.cc_minor = 0;
  c.sm_count = 132;
  c.global_mem_bytes = std::uint64_t{80} << 30;
  c.shared_mem_per_block_optin = 227 * 1024;
  return c;
}

}  // namespace aicert::cuda::test
