// The launch arguments of the own CUDA GEMM kernels (cuda:tiled, cuda:wgmma) for a spec whose
// tensors are on the device: payload pointers, the leading dimensions of the stored layouts,
// alpha and beta.
#pragma once

#include <cstdint>

#include "kernels/cuda/device_buffers.h"
#include "kernels/cuda/gemm_launch.h"
#include "workloads/gemm_spec.h"

namespace aicert::cuda {

// An operand as stored: row-major, `rows` x `cols`, dense (leading dimension = cols).
struct StoredShape {
  std::int64_t rows = 0, cols = 0;
};
// A is MxK (KxM in TN), B is KxN (NxK in NT).
StoredShape stored_a(const GemmSpec& spec);
StoredShape stored_b(const GemmSpec& spec);

// C is MxN; A and B as above.
GemmLaunch gemm_launch_for(const GemmSpec& spec, const DeviceBuffers& buffers);

}  // namespace aicert::cuda
