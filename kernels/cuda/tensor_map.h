// TMA tensor maps for the Hopper GEMM: cuTensorMapEncodeTiled is a driver API, reached through
// the runtime's cudaGetDriverEntryPointByVersion so that the plugin never links libcuda.
#pragma once

#include <cuda.h>

#include <cstdint>
#include <string>

namespace aicert::cuda {

// A 2-D row-major matrix of 16-bit elements: `rows` x `cols`, `ld` elements between rows.
struct TensorMapMatrix {
  const void* base = nullptr;
  std::uint64_t rows = 0, cols = 0, ld = 0;
};

// A dense row-major matrix: ld = cols.
inline TensorMapMatrix tensor_map_matrix(const void* base, std::int64_t rows, std::int64_t cols) {
  return {base, static_cast<std::uint64_t>(rows), static_cast<std::uint64_t>(cols),
          static_cast<std::uint64_t>(cols)};
}

// Empty when TMA can address the matrix (16-byte aligned base, ld * 2 a multiple of 16 and
// below 2^40, dimensions in range), else why not (as a sentence fragment for a refusal).
std::string tensor_map_unsupported(const TensorMapMatrix& m);

// Encodes a tiled map with 128-byte swizzle and zero fill out of bounds: boxes of `box_cols`
// (contiguous, at most 64) x `box_rows` elements. Empty on success, else what failed.
std::string encode_tensor_map(CUtensorMap* map, const TensorMapMatrix& m, bool bf16,
                              std::uint32_t box_cols, std::uint32_t box_rows);

}  // namespace aicert::cuda
