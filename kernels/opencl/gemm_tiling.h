// Tile parameters of the tiled OpenCL GEMM (gemm_tiled.cl), chosen from a device's limits:
// work-group size, work-item sizes and local memory. Candidates go from the best shape for the
// device type to a minimal one that fits any OpenCL device.
#pragma once

#include <string>
#include <vector>

#include "kernels/opencl/device_caps.h"
#include "workloads/dtype.h"

namespace aicert::opencl {

struct GemmTiling {
  int ts_m = 0, ts_n = 0;    // tile of C per work-group
  int ts_k = 0;              // depth staged in local memory per step
  int wpt_m = 0, wpt_n = 0;  // micro tile of C per work-item
  int vw = 0;                // vector width (2, 4, 8, 16)
  int pad = 0;               // floats of padding per local-memory row
  bool split_acc = false;    // per-step register tile (CPU runtimes; see gemm_tiled.cl)
  int unroll_k = 8;          // unroll factor of the loop over one step

  int wg_m() const { return ts_m / wpt_m; }
  int wg_n() const { return ts_n / wpt_n; }
  int work_group_size() const { return wg_m() * wg_n(); }
  // A's tile in its larger layout (m-major or k-major) plus B's k-major tile.
  std::size_t local_bytes() const;
  // "64x64x64 wpt 4x16 vw 8 pad 0 split unroll 8"
  std::string describe() const;
  // -D options for gemm_tiled.cl.
  std::string build_options(DType dtype) const;
};

// What is structurally wrong with a tiling (divisibility, vector width), or empty.
std::string tiling_shape_error(const GemmTiling& t);
// Why a tiling does not fit a device (work-group size, work-item sizes, local memory), or empty.
std::string tiling_device_error(const GemmTiling& t, const DeviceCaps& caps);

// Tilings that fit the device, best first; never empty for a device that can run a
// 1-work-item work-group with 128 bytes of local memory.
std::vector<GemmTiling> gemm_tiling_candidates(const DeviceCaps& caps);

}  // namespace aicert::opencl
