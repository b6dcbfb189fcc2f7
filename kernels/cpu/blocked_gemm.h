// The BLIS-style GEMM driver behind cpu:blocked: loops around a SIMD micro-kernel.
//   jc (NC columns) > pk (KB depth: the team packs a KB x NC panel of B, shared, in L3)
//   > work units (an MC-row block of C, or part of its columns when M is small), handed out
//     to threads as they come: pc (KC depth: pack the A block, per thread, in L2)
//     > jr (NR columns: a B micro-panel in L1) > ir (MR rows: micro-kernel on an MR x NR tile).
// Packing B and the units are items of one ThreadPool run; the only waits are "B packed before
// it is used" and "B used up before it is repacked". Every element of C is summed by one unit in
// a fixed order, so results are bitwise reproducible whatever the thread count or timing.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/blocking.h"
#include "kernels/cpu/gemm_packing.h"
#include "kernels/cpu/micro_kernel.h"
#include "kernels/cpu/thread_pool.h"

namespace aicert::cpu {

// C (fp32, row-major, leading dimension ldc) = alpha * op(A) * op(B) + beta * C, where op(A) is
// m x k and op(B) is k x n. beta == 0: C is not read.
struct GemmProblem {
  std::int64_t m = 0, n = 0, k = 0;
  PackSource a;  // lanes = rows of op(A)
  PackSource b;  // lanes = columns of op(B)
  float* c = nullptr;
  std::int64_t ldc = 0;
  float alpha = 1.0f;
  float beta = 0.0f;
  // Where C is finally wanted in 16 bits: each unit narrows its part of C (fp32, above) into
  // narrow_to (row-major, leading dimension ldc, type narrow_dtype) as soon as that part is
  // final, while it is still in cache, instead of a pass over the whole of C afterwards.
  void* narrow_to = nullptr;
  DType narrow_dtype = DType::fp32;
};

class BlockedGemm {
 public:
  BlockedGemm(const MicroKernel& kernel, const BlockSizes& blocks,
              std::shared_ptr<ThreadPool> pool);

  // Allocates the packing buffers for problems up to m x n x k, so that run() allocates nothing.
  void reserve(std::int64_t m, std::int64_t n, std::int64_t k);
  void run(const GemmProblem& p);

  const MicroKernel& kernel() const { return kernel_; }
  const BlockSizes& blocks() const { return blocks_; }

 private:
  // Loop bounds of one run.
  struct Plan {
    std::int64_t kc = 0;         // depth of one packed sub-panel
    std::int64_t nc = 0;         // columns of the shared B panel (a multiple of NR)
    std::int64_t kb = 0;         // depth of the shared B panel (a multiple of kc)
    std::int64_t mc = 0;         // rows of one work unit (a multiple of MR)
    std::int64_t row_units = 0;  // ceil(m / mc)
    std::int64_t col_units = 0;  // parts the columns of a B panel are cut into (M small)
  };
  // One (jc, pk) panel of B: items [first_item, compute_item) pack it, items
  // [compute_item, end_item) are the work units that use it.
  struct Step {
    std::int64_t jc = 0, nc = 0, panels = 0;  // columns [jc, jc + nc), ceil(nc / NR) panels
    std::int64_t pk = 0, sub_panels = 0;      // depth [pk, pk + kb) in sub-panels of kc
    std::int64_t first_item = 0, compute_item = 0, end_item = 0;
  };
  Plan plan(const GemmProblem& p, int team) const;
  void scale_c(const GemmProblem& p);
  // Rows [row0, row0 + rows) x columns [col0, col0 + cols) of C into p.narrow_to.
  static void narrow_block(const GemmProblem& p, std::int64_t row0, std::int64_t rows,
                           std::int64_t col0, std::int64_t cols);
  void pack_b(const GemmProblem& p, const Plan& pl, const Step& st, std::int64_t item);
  // One micro-panel of A or B in the form the kernel takes (PanelFormat, micro_kernel.h).
  enum class Operand { a, b };
  void pack(Operand which, const PackSource& src, std::int64_t lane0, int lanes_valid, std::int64_t depth0,
            std::int64_t kc, int width, float* dst) const;
  void compute_unit(const GemmProblem& p, const Plan& pl, const Step& st, std::int64_t unit,
                    int thread);
  // A tile at the right or bottom edge of C: computed whole into a scratch tile, merged partly.
  void edge_tile(std::int64_t kc, const float* a, const float* b, float* c, std::int64_t ldc,
                 int rows, int cols, float alpha, float beta) const;

  MicroKernel kernel_;
  BlockSizes blocks_;
  std::shared_ptr<ThreadPool> pool_;
  AlignedBuffer packed_b_;               // KB x NC panel of B, shared by the team
  std::vector<AlignedBuffer> packed_a_;  // MC x KC block of A, one per thread
  std::vector<Step> steps_;              // reused across runs
  std::int64_t reserved_m_ = 0, reserved_n_ = 0, reserved_k_ = 0;
};

}  // namespace aicert::cpu
