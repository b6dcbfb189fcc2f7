// The flash-attention online-softmax step: one key tile of logits for a group of queries turned
// into weights, with the running max and sum of each query updated and its output accumulator
// rescaled. Like the GEMM micro-kernels, each ISA's step lives in its own source file built with
// that ISA's flags, and the driver calls it through this descriptor after a runtime CPU check.
//
// Layout: the tile is transposed, keys in rows and queries in columns (nr queries, contiguous),
// so every operation runs down the columns with whole vectors and never reduces across lanes.
#pragma once

#include <cstdint>

#include "kernels/cpu/micro_kernel.h"

namespace aicert::cpu {

// p: rows x nr logits in base-2 units (scale * log2(e) * q.k), turned into weights
//    2^(p - m_new) in place. Entry (r, j) with r >= key_limit[j] is masked (weight exactly 0);
//    key_limit == nullptr masks nothing.
// m, l: nr running maxima and sums (m starts at -inf, l at 0); updated.
// o: o_rows x nr output accumulators of the same queries; multiplied by 2^(m_old - m_new).
// nr is a multiple of the step's lanes; pointers need no alignment beyond float's.
using SoftmaxStepFn = void (*)(float* p, std::int64_t rows, std::int64_t nr, const float* key_limit,
                               float* m, float* l, float* o, std::int64_t o_rows);

struct SoftmaxStep {
  const char* isa;  // "avx2", "generic"
  int lanes;
  SoftmaxStepFn fn;
};

const SoftmaxStep& avx2_softmax_step();
const SoftmaxStep& generic_softmax_step();

// The widest step this CPU runs that fits the micro-kernel (whose NR must be a multiple of the
// step's lanes): AVX2 next to the AVX2 and AVX-512 micro-kernels, generic next to the generic.
const SoftmaxStep& select_softmax_step(const MicroKernel& micro_kernel);

}  // namespace aicert::cpu
