// The CUDA flash-attention forward kernel (FlashAttention-2 style), fp16/bf16 inputs, fp32
// accumulation. One CTA of 4 warps per (query tile of 128 rows, query head, batch); each warp
// owns 2 x 16 query rows. Q is staged once in shared memory; K/V tiles (64 keys, 32 at D = 128)
// go through a kStages-deep cp.async pipeline into XOR-swizzled shared memory. S = Q K^T and
// O += P V run on mma.sync m16n8k16 (fragments by ldmatrix, .trans for V); P never leaves
// registers: the fp32 accumulator of S is repacked as the A operand of P V in the input type
// (with kSplitP as a head and a tail, for about fp32 accuracy). Online softmax in
// fp32 registers with exp2 and scale * log2(e) folded in; fully masked K/V tiles of a causal case
// are skipped, and only tiles that cross the diagonal or the end of the keys are masked. Tails
// (any Sq, Sk) load as zeros and are masked; rows past Sq are not stored.
#include <cstdint>

#include "kernels/cuda/flash_attention_launch.h"
#include "kernels/cuda/flash_attention_tiling.h"
#include "kernels/cuda/mma_sync_ops.cuh"

namespace aicert::cuda {
namespace {

using namespace flash;  // NOLINT(google-build-using-namespace): the kernel's own tiling
using mma::Bits;

// Copies rows [row0, row0 + ROWS) of a row-major [rows, D] matrix into a swizzled tile; rows at
// or past row_limit become zeros (so that masked keys never meet NaN garbage in P V).
template <int ROWS, int D>
__device__ __forceinline__ void load_rows(Bits* tile, const Bits* g, int row0, int row_limit) {
  constexpr int kChunks = D / 8;
  constexpr int kRowStep = kThreads / kChunks;  // rows one pass of the CTA copies
  static_assert(kThreads % kChunks == 0 && ROWS % kRowStep == 0, "whole rows per pass");
  const int row = static_cast<int>(threadIdx.x) / kChunks;
  const int chunk = static_cast<int>(threadIdx.x) % kChunks;
  // Row & 7 is the same in every pass (kRowStep is a multiple of 8): one swizzle for all.
  Bits* dst = tile + swizzled_offset<kChunks>(row, chunk);
  const Bits* src = g + static_cast<std::int64_t>(row0 + row) * D + chunk * 8;
#pragma unroll
  for (int pass = 0; pass < ROWS / kRowStep; ++pass) {
    const bool valid = row0 + row + pass * kRowStep < row_limit;
    // A row past the limit reads nothing; g itself is a valid address to name.
    mma::cp_async_16_or_zero(dst + pass * kRowStep * D, valid ? src + pass * kRowStep * D : g,
                             valid);
  }
}

__device__ __forceinline__ float quad_max(float x) {
  x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, 1));
  return fmaxf(x, __shfl_xor_sync(0xffffffffu, x, 2));
}
__device__ __forceinline__ float quad_sum(float x) {
  x += __shfl_xor_sync(0xffffffffu, x, 1);
  return x + __shfl_xor_sync(0xffffffffu, x, 2);
}

template <TensorCoreType T, int D, bool CAUSAL>
__global__ void __launch_bounds__(kThreads, 2) flash_attention_fwd(FlashAttentionLaunch a) {
  constexpr int kChunks = D / 8;
  constexpr int kBlockN = block_n(D);
  constexpr int kTileElems = kBlockN * D;  // one K or V stage
  constexpr int kDB = D / 8;               // n8 blocks of the output row
  constexpr int kNB = kBlockN / 8;         // n8 blocks of the score row
  extern __shared__ __align__(128) Bits smem[];
  Bits* sq = smem;                       // kBlockM x D
  Bits* sk = smem + kBlockM * D;         // kStages stages of kBlockN x D
  Bits* sv = sk + kStages * kTileElems;  // kStages stages of kBlockN x D

  // Query tiles in reverse order: with a causal mask the longest run first.
  const int q0 = static_cast<int>(gridDim.x - 1 - blockIdx.x) * kBlockM;
  const int h = static_cast<int>(blockIdx.y), b = static_cast<int>(blockIdx.z);
  const int hkv = h / (a.q_heads / a.kv_heads);
  const std::int64_t q_off = (static_cast<std::int64_t>(b) * a.q_heads + h) * a.q_len * D;
  const std::int64_t kv_off = (static_cast<std::int64_t>(b) * a.kv_heads + hkv) * a.kv_len * D;
  const Bits* q = static_cast<const Bits*>(a.q) + q_off;
  const Bits* k = static_cast<const Bits*>(a.k) + kv_off;
  const Bits* v = static_cast<const Bits*>(a.v) + kv_off;
  Bits* o = static_cast<Bits*>(a.o) + q_off;

  const int warp = static_cast<int>(threadIdx.x) / 32, lane = static_cast<int>(threadIdx.x) % 32;
  const int g = lane / 4, t = lane % 4;      // mma groupID and thread-in-group
  const int warp_row = warp * 16 * kMTiles;  // first row of the warp within the tile
  const int n_tiles = kv_tiles(q0, a.q_len, a.kv_len, CAUSAL, kBlockN);
  // Byte offsets of this lane's ldmatrix rows (flash_attention_tiling.h).
  const unsigned q_lane = q_lane_offset<kChunks>(warp_row, lane);
  const unsigned k_lane = k_lane_offset<kChunks>(lane);
  const unsigned v_lane = v_lane_offset<kChunks>(lane);
  const unsigned q_addr = mma::smem_address(sq);

  // Copy group t holds K/V tile t (group 0 also Q): kStages - 1 of them in flight ahead.
  load_rows<kBlockM, D>(sq, q, q0, a.q_len);
#pragma unroll
  for (int t0 = 0; t0 < kStages - 1; ++t0) {
    if (t0 < n_tiles) {
      load_rows<kBlockN, D>(sk + t0 * kTileElems, k, t0 * kBlockN, a.kv_len);
      load_rows<kBlockN, D>(sv + t0 * kTileElems, v, t0 * kBlockN, a.kv_len);
    }
    mma::cp_async_commit();
  }

  float acc[kMTiles][kDB][4];
  float row_max[kMTiles][2], row_sum[kMTiles][2];  // rows g and g + 8 of each m16 tile
#pragma unroll
  for (int mt = 0; mt < kMTiles; ++mt) {
#pragma unroll
    for (int db = 0; db < kDB; ++db)
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[mt][db][e] = 0.f;
#pragma unroll
    for (int hr = 0; hr < 2; ++hr) {
      row_max[mt][hr] = -INFINITY;
      row_sum[mt][hr] = 0.f;  // this thread's part; the quad's parts are added at the end
    }
  }
  const float sl = a.scale_log2;

  for (int j = 0; j < n_tiles; ++j) {
    mma::cp_async_wait<kStages - 2>();  // tile j (and Q) landed: this thread's copies
    __syncthreads();  // ... and everyone's; and every warp is done with tile j - 1's stage
    const int next = j + kStages - 1;
    if (next < n_tiles) {
      const int stage = next % kStages;  // tile j - 1's
      load_rows<kBlockN, D>(sk + stage * kTileElems, k, next * kBlockN, a.kv_len);
      load_rows<kBlockN, D>(sv + stage * kTileElems, v, next * kBlockN, a.kv_len);
    }
    mma::cp_async_commit();
    const unsigned k_addr = mma::smem_address(sk + (j % kStages) * kTileElems);
    const unsigned v_addr = mma::smem_address(sv + (j % kStages) * kTileElems);
    const int k0 = j * kBlockN;

    // S = Q K^T for the warp's rows x the tile's keys.
    float s[kMTiles][kNB][4];
#pragma unroll
    for (int mt = 0; mt < kMTiles; ++mt)
#pragma unroll
      for (int nb = 0; nb < kNB; ++nb)
#pragma unroll
        for (int e = 0; e < 4; ++e) s[mt][nb][e] = 0.f;
#pragma unroll 2
    for (int ks = 0; ks < D / 16; ++ks) {
      unsigned qf[kMTiles][4];
#pragma unroll
      for (int mt = 0; mt < kMTiles; ++mt) {
        // a0..a3: rows 0-7 / 8-15 x d 0-7, then rows 0-7 / 8-15 x d 8-15 of the k16 step.
        mma::ldmatrix_x4_at(qf[mt], q_addr + mt * 16 * D * 2 + step_offset(q_lane, ks));
      }
#pragma unroll
      for (int nb2 = 0; nb2 < kNB / 2; ++nb2) {
        // K rows are keys (B columns), contiguous in d (B's k): b0, b1 of keys nb2*16 + 0..7,
        // then of keys nb2*16 + 8..15.
        unsigned r[4];
        mma::ldmatrix_x4_at(r, k_addr + nb2 * 16 * D * 2 + step_offset(k_lane, ks));
        const unsigned b0[2] = {r[0], r[1]}, b1[2] = {r[2], r[3]};
#pragma unroll
        for (int mt = 0; mt < kMTiles; ++mt) {
          mma::mma_16816<T>(s[mt][2 * nb2], qf[mt], b0);
          mma::mma_16816<T>(s[mt][2 * nb2 + 1], qf[mt], b1);
        }
      }
    }

    // Mask: c0, c1 at (row g, keys 2t, 2t+1), c2, c3 at row g + 8.
    if (tile_needs_mask(q0, k0, a.q_len, a.kv_len, CAUSAL, kBlockN)) {
#pragma unroll
      for (int mt = 0; mt < kMTiles; ++mt)
#pragma unroll
        for (int nb = 0; nb < kNB; ++nb)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            const int row = q0 + warp_row + mt * 16 + g + (e / 2) * 8;
            const int key = k0 + nb * 8 + 2 * t + (e % 2);
            if (!key_visible(row, key, a.q_len, a.kv_len, CAUSAL)) s[mt][nb][e] = -INFINITY;
          }
    }

    // Online softmax: new row max, rescale of the running sum and output, P = exp2(...).
#pragma unroll
    for (int mt = 0; mt < kMTiles; ++mt) {
      float correction[2];
#pragma unroll
      for (int hr = 0; hr < 2; ++hr) {
        float mx = row_max[mt][hr];
#pragma unroll
        for (int nb = 0; nb < kNB; ++nb) {
          mx = fmaxf(mx, fmaxf(s[mt][nb][2 * hr], s[mt][nb][2 * hr + 1]));
        }
        mx = quad_max(mx);
        // A row with every key so far masked keeps max -inf: subtract 0 instead (P is 0).
        const float m_scaled = mx == -INFINITY ? 0.f : mx * sl;
        // An unchanged max leaves the row as it is (exactly 1, not exp2 of a rounding residue).
        correction[hr] = mx > row_max[mt][hr] ? exp2f(row_max[mt][hr] * sl - m_scaled) : 1.f;
        row_max[mt][hr] = mx;
        float sum = 0.f;
#pragma unroll
        for (int nb = 0; nb < kNB; ++nb) {
#pragma unroll
          for (int e = 2 * hr; e < 2 * hr + 2; ++e) {
            const float p = exp2f(fmaf(s[mt][nb][e], sl, -m_scaled));
            s[mt][nb][e] = p;
            sum += p;
          }
        }
        row_sum[mt][hr] = row_sum[mt][hr] * correction[hr] + sum;
      }
      // Rescale the output only when a row of the warp got a new max (after the first tiles,
      // rarely): the vote keeps the branch uniform, and multiplying the others by 1 is exact.
      if (__any_sync(0xffffffffu, correction[0] != 1.f || correction[1] != 1.f)) {
#pragma unroll
        for (int db = 0; db < kDB; ++db) {
#pragma unroll
          for (int e = 0; e < 4; ++e) acc[mt][db][e] *= correction[e / 2];
        }
      }
    }

    // O += P V: the accumulators of key blocks 2kk, 2kk+1 are the A fragment of keys 16kk..+15.
    // One m16 tile at a time, so that only its head and tail fragments are live (V fragments
    // are read once per m16 tile: registers are the scarcer resource at D = 128).
#pragma unroll
    for (int kk = 0; kk < kBlockN / 16; ++kk) {
#pragma unroll
      for (int mt = 0; mt < kMTiles; ++mt) {
        unsigned pf[4], pt[4];  // P's head and (kSplitP) tail fragments
#pragma unroll
        for (int r = 0; r < 4; ++r) {
          // a0: S block 2kk (c0, c1), a1: its (c2, c3), a2, a3: the same of block 2kk + 1.
          const float* x = &s[mt][2 * kk + r / 2][2 * (r % 2)];
          if constexpr (kSplitP) {
            mma::pack2_split<T>(x[0], x[1], pf[r], pt[r]);
          } else {
            pf[r] = mma::pack2<T>(x[0], x[1]);
          }
        }
#pragma unroll
        for (int db2 = 0; db2 < kDB / 2; ++db2) {
          // V rows are keys (B's k), contiguous in d (B's n): transposed loads. b0, b1 of d
          // block 2*db2 (keys 0-7, 8-15), then of d block 2*db2 + 1.
          unsigned r[4];
          mma::ldmatrix_x4_trans_at(r, v_addr + kk * 16 * D * 2 + step_offset(v_lane, db2));
          const unsigned b0[2] = {r[0], r[1]}, b1[2] = {r[2], r[3]};
          mma::mma_16816<T>(acc[mt][2 * db2], pf, b0);
          mma::mma_16816<T>(acc[mt][2 * db2 + 1], pf, b1);
          if constexpr (kSplitP) {
            mma::mma_16816<T>(acc[mt][2 * db2], pt, b0);
            mma::mma_16816<T>(acc[mt][2 * db2 + 1], pt, b1);
          }
        }
      }
    }
  }
  mma::cp_async_wait<0>();

  // O = acc / row sum, rows past Sq not stored. Each thread stores pairs (cols 2t, 2t+1).
#pragma unroll
  for (int mt = 0; mt < kMTiles; ++mt) {
#pragma unroll
    for (int hr = 0; hr < 2; ++hr) {
      const float total = quad_sum(row_sum[mt][hr]);
      const float inv = total > 0.f ? 1.f / total : 0.f;
      const int row = q0 + warp_row + mt * 16 + g + hr * 8;
      if (row >= a.q_len) continue;
      Bits* out = o + static_cast<std::int64_t>(row) * D + 2 * t;
#pragma unroll
      for (int db = 0; db < kDB; ++db) {
        *reinterpret_cast<unsigned*>(out + db * 8) =
            mma::pack2<T>(acc[mt][db][2 * hr] * inv, acc[mt][db][2 * hr + 1] * inv);
      }
    }
  }
}

template <TensorCoreType T, int D, bool CAUSAL>
cudaError_t launch(const FlashAttentionLaunch& a, cudaStream_t stream) {
  auto kernel = flash_attention_fwd<T, D, CAUSAL>;
  constexpr int kSmem = smem_bytes(D);
  if (cudaError_t e =
          cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
      e != cudaSuccess) {
    return e;
  }
  const dim3 grid(static_cast<unsigned>((a.q_len + kBlockM - 1) / kBlockM),
                  static_cast<unsigned>(a.q_heads), static_cast<unsigned>(a.batch));
  kernel<<<grid, kThreads, kSmem, stream>>>(a);
  return cudaGetLastError();
}

template <TensorCoreType T, int D>
cudaError_t launch_mask(const FlashAttentionLaunch& a, cudaStream_t stream) {
  return a.causal ? launch<T, D, true>(a, stream) : launch<T, D, false>(a, stream);
}

template <TensorCoreType T>
cudaError_t launch_dim(int head_dim, const FlashAttentionLaunch& a, cudaStream_t stream) {
  if (head_dim == 64) return launch_mask<T, 64>(a, stream);
  if (head_dim == 128) return launch_mask<T, 128>(a, stream);
  return cudaErrorInvalidValue;
}

}  // namespace

cudaError_t launch_flash_attention(TensorCoreType type, int head_dim, const FlashAttentionLaunch& a,
                                   cudaStream_t stream) {
  if (a.q_len <= 0 || a.batch <= 0 || a.q_heads <= 0) return cudaSuccess;
  if (a.kv_len <= 0 || a.kv_heads <= 0 || a.q_heads % a.kv_heads != 0) {
    return cudaErrorInvalidValue;
  }
  return type == TensorCoreType::bf16 ? launch_dim<TensorCoreType::bf16>(head_dim, a, stream)
                                      : launch_dim<TensorCoreType::fp16>(head_dim, a, stream);
}

}  // namespace aicert::cuda
