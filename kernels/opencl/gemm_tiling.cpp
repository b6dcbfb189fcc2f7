// Tile choice for the tiled OpenCL GEMM.
#include "kernels/opencl/gemm_tiling.h"

#include <algorithm>

namespace aicert::opencl {

namespace {

int dtype_code(DType t) {
  switch (t) {
    case DType::fp32:
      return 0;
    case DType::fp16:
      return 1;
    case DType::bf16:
      return 2;
    case DType::int32:  // not a GEMM dtype: rejected by validate_gemm_spec
    case DType::fp8e4m3:  // refused by gemm_unsupported_reason
      break;
  }
  return 0;
}

// GPUs: 16x16 work-items with 8x8 register tiles (the shape that keeps NVIDIA/AMD/Intel GPUs
// busy), float4 vectors, padded local rows against bank conflicts, the step fully unrolled.
constexpr GemmTiling kGpuTilings[] = {
    {128, 128, 16, 8, 8, 4, 4, false, 16},
    {64, 64, 16, 4, 4, 4, 4, false, 16},
    {64, 64, 16, 8, 8, 4, 4, false, 16},
    {32, 32, 16, 4, 4, 4, 4, false, 16},
};

// CPUs (PoCL, Intel's CPU runtime): a work-group runs as loops over its work-items on one core,
// so few work-items (64) with register tiles of 8-float vectors. 4x16 needs 8 accumulator
// registers and 4 broadcasts per 8 FMAs (8x8 needs 8: broadcast-bound on AVX2 cores); local
// tiles of 16 KiB each stay in L1; the step is unrolled 8 times, not fully (PoCL's compile time
// grows fast with code size). Measured on PoCL 3.1 (AVX2): 4x16 beats 8x8, and 64 work-items
// beat 128/256.
constexpr GemmTiling kCpuTilings[] = {
    {64, 64, 64, 4, 16, 8, 0, true, 8},
    {64, 64, 64, 8, 8, 8, 0, true, 8},
    {32, 32, 32, 4, 8, 8, 0, true, 8},
};

// Fits anything that runs OpenCL at all: one work-item, 128 bytes of local memory.
constexpr GemmTiling kMinimalTilings[] = {
    {16, 16, 8, 4, 4, 4, 0, false, 8},
    {4, 4, 4, 4, 4, 4, 0, false, 4},
};

}  // namespace

std::size_t GemmTiling::local_bytes() const {
  const auto m = static_cast<std::size_t>(ts_m), n = static_cast<std::size_t>(ts_n),
             k = static_cast<std::size_t>(ts_k), p = static_cast<std::size_t>(pad);
  return sizeof(float) * (std::max(m * (k + p), k * (m + p)) + k * (n + p));
}

std::string GemmTiling::describe() const {
  return std::to_string(ts_m) + "x" + std::to_string(ts_n) + "x" + std::to_string(ts_k) + " wpt " +
         std::to_string(wpt_m) + "x" + std::to_string(wpt_n) + " vw " + std::to_string(vw) +
         " pad " + std::to_string(pad) + (split_acc ? " split" : "") + " unroll " +
         std::to_string(unroll_k);
}

std::string GemmTiling::build_options(DType dtype) const {
  return "-DTS_M=" + std::to_string(ts_m) + " -DTS_N=" + std::to_string(ts_n) +
         " -DTS_K=" + std::to_string(ts_k) + " -DWPT_M=" + std::to_string(wpt_m) +
         " -DWPT_N=" + std::to_string(wpt_n) + " -DVW=" + std::to_string(vw) +
         " -DPAD=" + std::to_string(pad) + " -DSPLIT_ACC=" + (split_acc ? "1" : "0") +
         " -DUNROLL_K=" + std::to_string(unroll_k) +
         " -DDTYPE=" + std::to_string(dtype_code(dtype));
}

std::string tiling_shape_error(const GemmTiling& t) {
  if (t.vw != 2 && t.vw != 4 && t.vw != 8 && t.vw != 16) {
    return "vector width " + std::to_string(t.vw) + " is not 2, 4, 8 or 16";
  }
  if (t.ts_m <= 0 || t.ts_n <= 0 || t.ts_k <= 0 || t.wpt_m <= 0 || t.wpt_n <= 0 || t.pad < 0 ||
      t.unroll_k <= 0) {
    return "tile sizes must be positive";
  }
  if (t.ts_m % t.wpt_m || t.ts_n % t.wpt_n) return "tile is not a multiple of the micro tile";
  if (t.wpt_n % t.vw || t.ts_m % t.vw || t.ts_n % t.vw || t.ts_k % t.vw) {
    return "tile sizes are not multiples of the vector width";
  }
  return {};
}

std::string tiling_device_error(const GemmTiling& t, const DeviceCaps& caps) {
  const auto wg = static_cast<std::size_t>(t.work_group_size());
  if (wg > caps.max_work_group_size) {
    return "work-group of " + std::to_string(wg) + " exceeds the device's " +
           std::to_string(caps.max_work_group_size);
  }
  if (static_cast<std::size_t>(t.wg_n()) > caps.max_work_item_sizes[0] ||
      static_cast<std::size_t>(t.wg_m()) > caps.max_work_item_sizes[1]) {
    return "work-group shape " + std::to_string(t.wg_n()) + "x" + std::to_string(t.wg_m()) +
           " exceeds the device's work-item sizes";
  }
  if (t.local_bytes() > caps.local_mem_bytes) {
    return std::to_string(t.local_bytes()) + " bytes of local memory exceed the device's " +
           std::to_string(caps.local_mem_bytes);
  }
  return {};
}

std::vector<GemmTiling> gemm_tiling_candidates(const DeviceCaps& caps) {
  std::vector<GemmTiling> all;
  auto add = [&](const auto& list) { all.insert(all.end(), std::begin(list), std::end(list)); };
  if (caps.is_cpu()) {
    add(kCpuTilings);
    add(kGpuTilings);
  } else {
    add(kGpuTilings);
    add(kCpuTilings);
  }
  add(kMinimalTilings);
  std::vector<GemmTiling> fit;
  for (const auto& t : all) {
    if (tiling_shape_error(t).empty() && tiling_device_error(t, caps).empty()) fit.push_back(t);
  }
  return fit;
}

}  // namespace aicert::opencl
