// Index math of the tensor-core GEMM (gemm_kernels.cu), host- and device-callable so that a CPU
// test can replay the kernel's data movement (swizzled shared-memory tiles, ldmatrix sources,
// mma.sync fragment and accumulator layouts) and prove it computes the product, without a GPU.
#pragma once

#if defined(__CUDACC__)
#define AICERT_HD __host__ __device__ __forceinline__
#else
#define AICERT_HD inline
#endif

namespace aicert::cuda::tiling {

inline constexpr int kBlockM = 128, kBlockN = 128, kBlockK = 32, kStages = 4, kThreads = 256;
inline constexpr int kWarpM = 64, kWarpN = 32;        // 8 warps: 2 along M x 4 along N
inline constexpr int kTileElems = kBlockM * kBlockK;  // one operand tile of one stage

struct RowChunk {
  int row, chunk;
};

// Element offset of 16-byte chunk `chunk` of row `row` in a tile of CHUNKS chunks per row. The
// chunk index is XOR-swizzled with the row so that the 8 rows one ldmatrix phase reads fall in
// distinct banks: rows of 64 bytes (CHUNKS=4) pair up, rows of 256 bytes (CHUNKS=16) use the
// low three bits of the row.
template <int CHUNKS>
AICERT_HD int swizzled_offset(int row, int chunk) {
  static_assert(CHUNKS == 4 || CHUNKS == 16, "swizzle defined for 64- and 256-byte rows");
  const int swizzle = CHUNKS == 4 ? ((row >> 1) & 3) : (row & 7);
  return row * CHUNKS * 8 + ((chunk ^ swizzle) << 3);
}

// The (tile row, chunk) whose 8 elements `lane` hands to ldmatrix.x4 for the A fragment of the
// 16x16 block at (m_base, 16*ks). K-major A (NN, NT): tile rows are M, read as is; M-major A
// (TN): tile rows are K, read with .trans. Matrices 0..3 = a0..a3 of mma.m16n8k16.
AICERT_HD RowChunk a_fragment_source(bool a_kmajor, int lane, int m_base, int ks) {
  if (a_kmajor) return {m_base + lane % 16, ks * 2 + lane / 16};
  const int j = lane / 8, r = lane % 8;
  return {ks * 16 + (j / 2) * 8 + r, m_base / 8 + j % 2};
}

// Same for B: two n8 fragments (b0, b1 of columns n_base..+7, then of n_base+8..+15). K-major B
// (NT): tile rows are N, read as is; N-major B (NN, TN): tile rows are K, read with .trans.
AICERT_HD RowChunk b_fragment_source(bool b_kmajor, int lane, int n_base, int ks) {
  const int j = lane / 8, r = lane % 8;
  if (b_kmajor) return {n_base + (j / 2) * 8 + r, ks * 2 + j % 2};
  return {ks * 16 + (j % 2) * 8 + r, n_base / 8 + j / 2};
}

AICERT_HD int warp_m_base(int warp) { return (warp / 4) * kWarpM; }
AICERT_HD int warp_n_base(int warp) { return (warp % 4) * kWarpN; }

// Row and column, within the block tile, of accumulator element e (0..3) of fragment (i, j) of
// `lane` in `warp`: c0,c1 at (g, 2t), (g, 2t+1), c2,c3 at row g+8 (g = lane/4, t = lane%4).
AICERT_HD int acc_row(int warp, int lane, int i, int e) {
  return warp_m_base(warp) + i * 16 + lane / 4 + (e / 2) * 8;
}
AICERT_HD int acc_col(int warp, int lane, int j, int e) {
  return warp_n_base(warp) + j * 8 + (lane % 4) * 2 + e % 2;
}

}  // namespace aicert::cuda::tiling
