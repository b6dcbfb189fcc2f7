// The own CUDA GEMM kernels, all in one translation unit to keep nvcc time down:
//  - tensor-core GEMM for fp16/bf16 inputs: 128x128x32 block tile, 8 warps of 64x32,
//    mma.sync m16n8k16 with fp32 accumulation, operands staged through a 4-stage cp.async
//    pipeline into XOR-swizzled shared memory and read with ldmatrix (.trans for operands whose
//    contiguous dimension is M or N), block rasterisation in groups of 8 block rows for L2 reuse;
//  - SIMT fp32 GEMM: 128x128x8 block tile, 8x8 outputs per thread, register-staged prefetch.
// Both handle any M, N, K (K = 0 included) and the NN, NT and TN layouts: tiles at the edge, and
// operands whose rows are not 16-byte aligned, are loaded element by element with zero fill.
#include <cstdint>

#include "kernels/cuda/gemm_launch.h"
#include "kernels/cuda/mma_sync_ops.cuh"
#include "kernels/cuda/tensor_core_tiling.h"

namespace aicert::cuda {
namespace {

// ---- tensor-core kernel -------------------------------------------------------------------------

using namespace tiling;  // NOLINT(google-build-using-namespace): the kernel's own index math
constexpr int kBM = kBlockM, kBN = kBlockN, kBK = kBlockK;
static_assert(kBM == kTensorCoreBlockM && kBN == kTensorCoreBlockN && kBK == kTensorCoreBlockK &&
                  kStages == kTensorCoreStages,
              "gemm_launch.h and tensor_core_tiling.h describe one tiling");
static_assert(kBM == kBN, "A and B tiles share one shape of storage");
constexpr int kSmemBytes = 2 * kStages * kTileElems * 2;

using mma::cp_async_16;
using mma::cp_async_commit;
using mma::cp_async_wait;
using mma::ldmatrix_x4;
using mma::ldmatrix_x4_trans;
using mma::mma_16816;

// A shared-memory tile of ROWS rows of CHUNKS 16-byte chunks (8 elements each), swizzled.
template <int ROWS, int CHUNKS>
struct SwizzledTile {
  static_assert(ROWS * CHUNKS * 8 == kTileElems, "tile size");
  __device__ __forceinline__ static int offset(int row, int chunk) {
    return swizzled_offset<CHUNKS>(row, chunk);
  }
  __device__ __forceinline__ static int offset(RowChunk rc) {
    return swizzled_offset<CHUNKS>(rc.row, rc.chunk);
  }
};

// Copies rows [row0, row0+ROWS) x columns [col0, col0+8*CHUNKS) of a row-major global matrix
// (leading dimension ld, valid extent row_limit x col_limit) into a swizzled tile. Whole, aligned
// chunks go by cp.async; the others element by element, zero outside the matrix.
template <int ROWS, int CHUNKS>
__device__ __forceinline__ void load_tile(Bits* tile, const Bits* g, std::int64_t ld, int row0,
                                          int col0, int row_limit, int col_limit, bool vector_ok) {
#pragma unroll
  for (int i = static_cast<int>(threadIdx.x); i < ROWS * CHUNKS; i += kThreads) {
    const int row = i / CHUNKS, chunk = i % CHUNKS;
    const int grow = row0 + row, gcol = col0 + chunk * 8;
    Bits* dst = tile + SwizzledTile<ROWS, CHUNKS>::offset(row, chunk);
    const Bits* src = g + static_cast<std::int64_t>(grow) * ld + gcol;
    if (vector_ok && grow < row_limit && gcol + 8 <= col_limit) {
      cp_async_16(dst, src);
    } else {
      alignas(16) Bits v[8];
#pragma unroll
      for (int e = 0; e < 8; ++e) v[e] = (grow < row_limit && gcol + e < col_limit) ? src[e] : 0;
      *reinterpret_cast<uint4*>(dst) = *reinterpret_cast<const uint4*>(v);
    }
  }
}

struct TileCoords {
  int m, n;
};

// Block rasterisation: groups of 8 block rows walked column by column, so that the blocks that
// run together share A panels and B panels in L2.
__device__ __forceinline__ TileCoords block_tile(int grid_m, int grid_n) {
  constexpr int kGroup = 8;
  const int id = static_cast<int>(blockIdx.x);
  const int per_group = kGroup * grid_n;
  const int first_m = (id / per_group) * kGroup;
  const int group_m = min(grid_m - first_m, kGroup);
  const int in_group = id % per_group;
  return {first_m + in_group % group_m, in_group / group_m};
}

// A_KMAJOR: A's contiguous dimension is K (NN, NT); else M (TN).
// B_KMAJOR: B's contiguous dimension is K (NT); else N (NN, TN).
template <TensorCoreType T, bool A_KMAJOR, bool B_KMAJOR>
__global__ void __launch_bounds__(kThreads, 2)
    tensor_core_gemm(GemmLaunch g, bool a_vector_ok, bool b_vector_ok, int grid_m, int grid_n) {
  extern __shared__ __align__(128) Bits smem[];
  Bits* smem_a = smem;
  Bits* smem_b = smem + kStages * kTileElems;
  using TileK = SwizzledTile<kBM, kBK / 8>;   // rows M (or N), K contiguous
  using TileMN = SwizzledTile<kBK, kBM / 8>;  // rows K, M (or N) contiguous

  const TileCoords tile = block_tile(grid_m, grid_n);
  const int bm = tile.m * kBM, bn = tile.n * kBN;
  const Bits* a = static_cast<const Bits*>(g.a);
  const Bits* b = static_cast<const Bits*>(g.b);
  const int warp = static_cast<int>(threadIdx.x) / 32, lane = static_cast<int>(threadIdx.x) % 32;
  const int warp_m = warp_m_base(warp), warp_n = warp_n_base(warp);

  auto load_stage = [&](int stage, int kt) {
    const int k0 = kt * kBK;
    Bits* ta = smem_a + stage * kTileElems;
    Bits* tb = smem_b + stage * kTileElems;
    if constexpr (A_KMAJOR) {
      load_tile<kBM, kBK / 8>(ta, a, g.lda, bm, k0, g.m, g.k, a_vector_ok);
    } else {
      load_tile<kBK, kBM / 8>(ta, a, g.lda, k0, bm, g.k, g.m, a_vector_ok);
    }
    if constexpr (B_KMAJOR) {
      load_tile<kBN, kBK / 8>(tb, b, g.ldb, bn, k0, g.n, g.k, b_vector_ok);
    } else {
      load_tile<kBK, kBN / 8>(tb, b, g.ldb, k0, bn, g.k, g.n, b_vector_ok);
    }
  };

  float acc[4][4][4];
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j)
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[i][j][e] = 0.f;

  const int k_tiles = (g.k + kBK - 1) / kBK;
#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < k_tiles) load_stage(s, s);
    cp_async_commit();
  }

  for (int kt = 0; kt < k_tiles; ++kt) {
    cp_async_wait<kStages - 2>();  // tile kt has landed (this thread's copies)
    __syncthreads();               // ... and everyone's; stage (kt-1) is free again
    const int next = kt + kStages - 1;
    if (next < k_tiles) load_stage(next % kStages, next);
    cp_async_commit();

    const Bits* ta = smem_a + (kt % kStages) * kTileElems;
    const Bits* tb = smem_b + (kt % kStages) * kTileElems;
#pragma unroll
    for (int ks = 0; ks < kBK / 16; ++ks) {
      unsigned af[4][4];
      unsigned bf[4][2];
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        const int m_base = warp_m + i * 16;
        const RowChunk src = a_fragment_source(A_KMAJOR, lane, m_base, ks);
        if constexpr (A_KMAJOR) {
          ldmatrix_x4(af[i], ta + TileK::offset(src));
        } else {
          ldmatrix_x4_trans(af[i], ta + TileMN::offset(src));
        }
      }
#pragma unroll
      for (int jn = 0; jn < 2; ++jn) {
        const int n_base = warp_n + jn * 16;
        unsigned r[4];
        const RowChunk src = b_fragment_source(B_KMAJOR, lane, n_base, ks);
        if constexpr (B_KMAJOR) {
          ldmatrix_x4(r, tb + TileK::offset(src));
        } else {
          ldmatrix_x4_trans(r, tb + TileMN::offset(src));
        }
        bf[jn * 2][0] = r[0];
        bf[jn * 2][1] = r[1];
        bf[jn * 2 + 1][0] = r[2];
        bf[jn * 2 + 1][1] = r[3];
      }
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) mma_16816<T>(acc[i][j], af[i], bf[j]);
    }
  }
  cp_async_wait<0>();

  // Epilogue straight from the accumulators: c0,c1 at (row g, cols 2t, 2t+1), c2,c3 at row g+8.
  Bits* c = static_cast<Bits*>(g.c);
#pragma unroll
  for (int i = 0; i < 4; ++i) {
#pragma unroll
    for (int j = 0; j < 4; ++j) {
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int row = bm + acc_row(warp, lane, i, e);
        const int col = bn + acc_col(warp, lane, j, e);
        if (row >= g.m || col >= g.n) continue;
        Bits& out = c[static_cast<std::int64_t>(row) * g.ldc + col];
        float v = g.alpha * acc[i][j][e];
        if (g.beta != 0.f) v = fmaf(g.beta, bits_to_float<T>(out), v);
        out = float_to_bits<T>(v);
      }
    }
  }
}

template <TensorCoreType T, bool A_KMAJOR, bool B_KMAJOR>
cudaError_t launch_tensor_core(const GemmLaunch& g, cudaStream_t stream) {
  auto kernel = tensor_core_gemm<T, A_KMAJOR, B_KMAJOR>;
  if (cudaError_t e =
          cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes);
      e != cudaSuccess) {
    return e;
  }
  auto vector_ok = [](const void* p, std::int64_t ld) {
    return ld % 8 == 0 && reinterpret_cast<std::uintptr_t>(p) % 16 == 0;
  };
  const int grid_m = (g.m + kBM - 1) / kBM, grid_n = (g.n + kBN - 1) / kBN;
  const unsigned blocks = static_cast<unsigned>(grid_m) * static_cast<unsigned>(grid_n);
  kernel<<<blocks, kThreads, kSmemBytes, stream>>>(g, vector_ok(g.a, g.lda), vector_ok(g.b, g.ldb),
                                                   grid_m, grid_n);
  return cudaGetLastError();
}

template <TensorCoreType T>
cudaError_t launch_tensor_core_layout(const GemmLaunch& g, cudaStream_t stream) {
  if (g.a_transposed) return launch_tensor_core<T, false, false>(g, stream);  // TN
  if (g.b_transposed) return launch_tensor_core<T, true, true>(g, stream);    // NT
  return launch_tensor_core<T, true, false>(g, stream);                       // NN
}

// ---- SIMT fp32 kernel ---------------------------------------------------------------------------

constexpr int kSM = kSimtBlockM, kSN = kSimtBlockN, kSK = kSimtBlockK;
constexpr int kSimtThreads = 256;
constexpr int kPad = 4;                           // keeps rows 16-byte aligned, staggers banks
constexpr int kLoads = kSM * kSK / kSimtThreads;  // elements of A (and of B) per thread per tile

// A_T: A stored KxM (TN); B_T: B stored NxK (NT).
template <bool A_T, bool B_T>
__global__ void __launch_bounds__(kSimtThreads)
    simt_gemm_fp32(GemmLaunch g, int grid_m, int grid_n) {
  __shared__ __align__(16) float sa[kSK][kSM + kPad];
  __shared__ __align__(16) float sb[kSK][kSN + kPad];
  const TileCoords tile = block_tile(grid_m, grid_n);
  const int bm = tile.m * kSM, bn = tile.n * kSN;
  const float* a = static_cast<const float*>(g.a);
  const float* b = static_cast<const float*>(g.b);
  const int tid = static_cast<int>(threadIdx.x);
  const int tx = tid % 16, ty = tid / 16;

  // Element e of a tile, mapped so that consecutive threads read consecutive addresses.
  auto a_coord = [](int e, int& m, int& k) {
    if (A_T) {
      m = e % kSM, k = e / kSM;
    } else {
      k = e % kSK, m = e / kSK;
    }
  };
  auto b_coord = [](int e, int& k, int& n) {
    if (B_T) {
      k = e % kSK, n = e / kSK;
    } else {
      n = e % kSN, k = e / kSN;
    }
  };
  float ra[kLoads], rb[kLoads];
  auto fetch = [&](int k0) {
#pragma unroll
    for (int q = 0; q < kLoads; ++q) {
      int m, k, n, kb;
      a_coord(tid + q * kSimtThreads, m, k);
      const int gm = bm + m, gk = k0 + k;
      ra[q] = (gm < g.m && gk < g.k) ? a[A_T ? static_cast<std::int64_t>(gk) * g.lda + gm
                                             : static_cast<std::int64_t>(gm) * g.lda + gk]
                                     : 0.f;
      b_coord(tid + q * kSimtThreads, kb, n);
      const int gn = bn + n, gkb = k0 + kb;
      rb[q] = (gn < g.n && gkb < g.k) ? b[B_T ? static_cast<std::int64_t>(gn) * g.ldb + gkb
                                              : static_cast<std::int64_t>(gkb) * g.ldb + gn]
                                      : 0.f;
    }
  };
  auto stash = [&] {
#pragma unroll
    for (int q = 0; q < kLoads; ++q) {
      int m, k, n, kb;
      a_coord(tid + q * kSimtThreads, m, k);
      sa[k][m] = ra[q];
      b_coord(tid + q * kSimtThreads, kb, n);
      sb[kb][n] = rb[q];
    }
  };

  float acc[8][8];
#pragma unroll
  for (int i = 0; i < 8; ++i)
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[i][j] = 0.f;

  const int k_tiles = (g.k + kSK - 1) / kSK;
  if (k_tiles > 0) fetch(0);
  for (int kt = 0; kt < k_tiles; ++kt) {
    __syncthreads();  // the previous tile is consumed
    stash();
    __syncthreads();
    if (kt + 1 < k_tiles) fetch((kt + 1) * kSK);  // in flight while this tile is computed
#pragma unroll
    for (int kk = 0; kk < kSK; ++kk) {
      const float4 a0 = *reinterpret_cast<const float4*>(&sa[kk][ty * 4]);
      const float4 a1 = *reinterpret_cast<const float4*>(&sa[kk][64 + ty * 4]);
      const float4 b0 = *reinterpret_cast<const float4*>(&sb[kk][tx * 4]);
      const float4 b1 = *reinterpret_cast<const float4*>(&sb[kk][64 + tx * 4]);
      const float av[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
      const float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
      for (int i = 0; i < 8; ++i)
#pragma unroll
        for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
    }
  }

  float* c = static_cast<float*>(g.c);
#pragma unroll
  for (int i = 0; i < 8; ++i) {
    const int row = bm + (i < 4 ? ty * 4 + i : 64 + ty * 4 + i - 4);
    if (row >= g.m) continue;
#pragma unroll
    for (int j = 0; j < 8; ++j) {
      const int col = bn + (j < 4 ? tx * 4 + j : 64 + tx * 4 + j - 4);
      if (col >= g.n) continue;
      float& out = c[static_cast<std::int64_t>(row) * g.ldc + col];
      float v = g.alpha * acc[i][j];
      if (g.beta != 0.f) v = fmaf(g.beta, out, v);
      out = v;
    }
  }
}

template <bool A_T, bool B_T>
cudaError_t launch_simt(const GemmLaunch& g, cudaStream_t stream) {
  const int grid_m = (g.m + kSM - 1) / kSM, grid_n = (g.n + kSN - 1) / kSN;
  const unsigned blocks = static_cast<unsigned>(grid_m) * static_cast<unsigned>(grid_n);
  simt_gemm_fp32<A_T, B_T><<<blocks, kSimtThreads, 0, stream>>>(g, grid_m, grid_n);
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_simt_gemm_fp32(const GemmLaunch& g, cudaStream_t stream) {
  if (g.m == 0 || g.n == 0) return cudaSuccess;
  if (g.a_transposed) return launch_simt<true, false>(g, stream);
  if (g.b_transposed) return launch_simt<false, true>(g, stream);
  return launch_simt<false, false>(g, stream);
}

cudaError_t launch_tensor_core_gemm(TensorCoreType type, const GemmLaunch& g, cudaStream_t stream) {
  if (g.m == 0 || g.n == 0) return cudaSuccess;
  return type == TensorCoreType::bf16 ? launch_tensor_core_layout<TensorCoreType::bf16>(g, stream)
                                      : launch_tensor_core_layout<TensorCoreType::fp16>(g, stream);
}

std::string own_gemm_image_error() {
  cudaFuncAttributes attr{};
  const cudaError_t e =
      cudaFuncGetAttributes(&attr, tensor_core_gemm<TensorCoreType::bf16, true, false>);
  if (e == cudaSuccess) return {};
  cudaGetLastError();  // clear the sticky-free error so later calls do not report it
  return std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")";
}

}  // namespace aicert::cuda
