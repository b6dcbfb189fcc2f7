// Packing of GEMM operands into the contiguous micro-panels the micro-kernels stream: fp32
// (fp16/bf16 widened), or bf16 pairs and AMX tile rows for the bf16 kernels (PanelFormat,
// micro_kernel.h); resolves the stored layout (NN/NT/TN) and zero-pads edge panels and K.
#pragma once

#include <cstdint>

#include "workloads/dtype.h"

namespace aicert::cpu {

// One operand seen as a (lane, depth) matrix: lanes are the rows of op(A) or the columns of
// op(B), depth runs along K. Element (lane, depth) is stored at
//   lanes_contiguous ? data[depth * ld + lane] : data[lane * ld + depth].
// (A: NN/NT -> lanes strided, TN -> lanes contiguous; B: NN/TN -> contiguous, NT -> strided.)
struct PackSource {
  const void* data = nullptr;
  DType dtype = DType::fp32;
  std::int64_t ld = 0;
  bool lanes_contiguous = false;
};

// Writes dst[p * width + l] = element(lane0 + l, depth0 + p) for p < kc, l < lanes_valid, and
// 0 for lanes_valid <= l < width: one micro-panel of `width` (= MR or NR) lanes.
void pack_panel(const PackSource& src, std::int64_t lane0, int lanes_valid, std::int64_t depth0,
                std::int64_t kc, int width, float* dst);

// The same micro-panel for a bf16_pairs micro-kernel (micro_kernel.h), from bf16 storage:
// dst[(p / 2) * width + l] holds element(lane0 + l, depth0 + p) in its low 16 bits for even p and
// in its high 16 bits for odd p; lanes past lanes_valid and the missing half of an odd kc are 0,
// and so are the rows from ceil(kc / 2) up to pair_rows (>= ceil(kc / 2)): the padding of K to
// the kernel's k_block. Writes pair_rows * width words. src.dtype must be bf16.
void pack_panel_bf16_pairs(const PackSource& src, std::int64_t lane0, int lanes_valid,
                           std::int64_t depth0, std::int64_t kc, int width,
                           std::int64_t pair_rows, std::uint32_t* dst);

// An A micro-panel for the AMX kernel (PanelFormat::bf16_amx): word (q, l) at
// dst[(q / 16) * 16 * width + l * 16 + q % 16], pairs as above, K zero-padded to a multiple of
// 32. Writes ceil(kc / 32) * 16 * width words. src.dtype must be bf16.
void pack_panel_bf16_amx_rows(const PackSource& src, std::int64_t lane0, int lanes_valid,
                              std::int64_t depth0, std::int64_t kc, int width, std::uint32_t* dst);

}  // namespace aicert::cpu
