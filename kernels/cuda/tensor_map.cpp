// TMA tensor-map encoding through the driver entry point that the CUDA runtime hands out.
#include "kernels/cuda/tensor_map.h"

#include <cudaTypedefs.h>  // PFN_cuTensorMapEncodeTiled_v12000
#include <cuda_runtime_api.h>

#include <cstdint>

#include "kernels/cuda/cuda_check.h"

namespace aicert::cuda {
namespace {

struct EncodeEntry {
  PFN_cuTensorMapEncodeTiled_v12000 fn = nullptr;
  std::string error;
};

// Looked up once per process: the ABI of version 12.0 of cuTensorMapEncodeTiled.
const EncodeEntry& encode_entry() {
  static const EncodeEntry entry = [] {
    EncodeEntry e;
    void* fn = nullptr;
    cudaDriverEntryPointQueryResult found = cudaDriverEntryPointSymbolNotFound;
    const cudaError_t status = cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &fn,
                                                                12000, cudaEnableDefault, &found);
    if (status != cudaSuccess) {
      e.error = "cudaGetDriverEntryPointByVersion(cuTensorMapEncodeTiled) failed: " +
                cuda_error_text(status);
    } else if (found != cudaDriverEntryPointSuccess || !fn) {
      e.error = "the CUDA driver offers no cuTensorMapEncodeTiled (12.0 ABI)";
    } else {
      e.fn = reinterpret_cast<PFN_cuTensorMapEncodeTiled_v12000>(fn);
    }
    return e;
  }();
  return entry;
}

}  // namespace

std::string tensor_map_unsupported(const TensorMapMatrix& m) {
  constexpr std::uint64_t kElem = 2;
  if (reinterpret_cast<std::uintptr_t>(m.base) % 16 != 0) {
    return "the matrix does not start on a 16-byte boundary";
  }
  if ((m.ld * kElem) % 16 != 0) {
    return "its leading dimension of " + std::to_string(m.ld) + " elements is " +
           std::to_string(m.ld * kElem) + " bytes, not a multiple of 16";
  }
  if (m.ld * kElem >= (std::uint64_t{1} << 40)) return "its row stride reaches 2^40 bytes";
  if (m.rows == 0 || m.cols == 0 || m.rows > (std::uint64_t{1} << 32) ||
      m.cols > (std::uint64_t{1} << 32)) {
    return "its shape " + std::to_string(m.rows) + "x" + std::to_string(m.cols) +
           " is outside 1..2^32";
  }
  return {};
}

std::string encode_tensor_map(CUtensorMap* map, const TensorMapMatrix& m, bool bf16,
                              std::uint32_t box_cols, std::uint32_t box_rows) {
  if (std::string why = tensor_map_unsupported(m); !why.empty()) return "TMA: " + why;
  const EncodeEntry& entry = encode_entry();
  if (!entry.fn) return entry.error;
  const cuuint64_t dims[2] = {m.cols, m.rows};
  const cuuint64_t strides[1] = {m.ld * 2};  // bytes between rows; the innermost is implied
  const cuuint32_t box[2] = {box_cols, box_rows};
  const cuuint32_t element_strides[2] = {1, 1};
  const CUresult r =
      entry.fn(map, bf16 ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 : CU_TENSOR_MAP_DATA_TYPE_FLOAT16, 2,
               const_cast<void*>(m.base), dims, strides, box, element_strides,
               CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
               CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    return "cuTensorMapEncodeTiled failed with CUresult " + std::to_string(static_cast<int>(r)) +
           " (matrix " + std::to_string(m.rows) + "x" + std::to_string(m.cols) + ", ld " +
           std::to_string(m.ld) + ", box " + std::to_string(box_rows) + "x" +
           std::to_string(box_cols) + ")";
  }
  return {};
}

}  // namespace aicert::cuda
