// "cuda:wgmma": the plugin's own Hopper GEMM for fp16 and bf16 with fp32 accumulation,
// C = alpha*op(A)*op(B) + beta*C, row-major, NN / NT / TN. Built for sm_90a only (wgmma and
// setmaxnreg exist nowhere else); other device passes compile an empty body and the host refuses
// devices other than compute capability 9.x before any launch.
//
// Block tile 128x256x64, 384 threads = 3 warpgroups:
//  - warpgroup 0 (producer, registers lowered with setmaxnreg): one thread issues the TMA copies
//    of A and B (cp.async.bulk.tensor, 128-byte swizzle) into a 4-stage ring; each stage has a
//    "full" mbarrier (TMA transaction bytes) and an "empty" mbarrier (consumers are done);
//  - warpgroups 1 and 2 (consumers, registers raised): 64 output rows each, four
//    wgmma.m64n256k16 per K tile straight from shared memory through matrix descriptors, the
//    fp32 accumulators in registers; the epilogue writes alpha*acc + beta*C (C read only when
//    beta != 0) with bounds checks.
// TMA fills out-of-bounds parts of a box with zeros, so M, N and K tails need no special code.
// Operands whose contiguous dimension is M or N (A in TN, B in NN/TN) use wgmma's transpose
// immediates; wgmma_layout.h has the boxes, the shared-memory layout and the descriptors.
#include <cuda.h>

#include <cstdint>

#include "kernels/cuda/half_bits.cuh"
#include "kernels/cuda/wgmma_launch.h"

namespace aicert::cuda {
namespace {

using namespace wgmma;  // NOLINT(google-build-using-namespace): the kernel's own geometry
constexpr int kBM = kBlockM, kBN = kBlockN, kBK = kBlockK;
constexpr int kConsumers = kBlockM / kConsumerRows;  // warpgroups of 64 output rows each
constexpr int kThreads = 128 * (1 + kConsumers);     // + the producer warpgroup
constexpr int kSmemBytes = kStages * kStageBytes + 2 * kStages * 8 + 1024;  // + barriers, align
constexpr int kProducerRegs = 40, kConsumerRegs = 232;
static_assert(128 * kProducerRegs + 128 * kConsumers * kConsumerRegs <= 65536, "register file");

#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define AICERT_WGMMA_DEVICE 1
#endif

#ifdef AICERT_WGMMA_DEVICE

__device__ __forceinline__ std::uint32_t smem_u32(const void* p) {
  return static_cast<std::uint32_t>(__cvta_generic_to_shared(p));
}

// ---- mbarrier --------------------------------------------------------------------------------
__device__ __forceinline__ void mbar_init(std::uint32_t bar, std::uint32_t count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(count) : "memory");
}
__device__ __forceinline__ void mbar_arrive_expect_tx(std::uint32_t bar, std::uint32_t bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(bar), "r"(bytes)
               : "memory");
}
__device__ __forceinline__ void mbar_arrive(std::uint32_t bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(bar) : "memory");
}
// Waits until the phase of parity `parity` has completed.
__device__ __forceinline__ void mbar_wait(std::uint32_t bar, std::uint32_t parity) {
  std::uint32_t done = 0;
  do {
    asm volatile(
        "{\n .reg .pred p;\n mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n"
        " selp.u32 %0, 1, 0, p;\n}\n"
        : "=r"(done)
        : "r"(bar), "r"(parity)
        : "memory");
  } while (!done);
}

// ---- TMA -------------------------------------------------------------------------------------
// Box at element coordinates (inner, outer) of `map` into shared memory `dst`, completing its
// bytes on `bar`.
__device__ __forceinline__ void tma_load_2d(std::uint32_t dst, const CUtensorMap* map, int inner,
                                            int outer, std::uint32_t bar) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes"
      " [%0], [%1, {%2, %3}], [%4];\n" ::"r"(dst),
      "l"(reinterpret_cast<std::uint64_t>(map)), "r"(inner), "r"(outer), "r"(bar)
      : "memory");
}

// ---- wgmma -----------------------------------------------------------------------------------
__device__ __forceinline__ void wgmma_fence() {
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
}
__device__ __forceinline__ void wgmma_commit() {
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
}
template <int N>
__device__ __forceinline__ void wgmma_wait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
}
// Keeps the compiler from moving accumulator accesses across a wgmma wait.
__device__ __forceinline__ void fence_operand(float& r) { asm volatile("" : "+f"(r)::"memory"); }

#define AICERT_WGMMA_REGS                                                                        \
  "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "                       \
  "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, "             \
  "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, "             \
  "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, "             \
  "%64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, "             \
  "%80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95, "             \
  "%96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111, " \
  "%112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127"

#define AICERT_WGMMA_OUTS                                                                         \
  "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), \
      "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]),    \
      "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]),  \
      "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]),  \
      "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]),  \
      "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]),  \
      "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]),  \
      "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]),  \
      "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]),  \
      "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]),  \
      "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]),  \
      "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]),  \
      "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]),  \
      "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]), "+f"(d[97]), "+f"(d[98]),  \
      "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]), "+f"(d[104]),          \
      "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]), "+f"(d[110]),         \
      "+f"(d[111]), "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]), "+f"(d[116]),         \
      "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]), "+f"(d[121]), "+f"(d[122]),         \
      "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])

// d += A (64x16, descriptor da) * B (16x256, descriptor db); TRANS_A / TRANS_B = 1 for an
// MN-major operand.
#define AICERT_WGMMA_M64N256K16(TYPES)                                               \
  asm volatile(                                                                      \
      "{\n .reg .pred p;\n setp.ne.b32 p, %130, 0;\n"                                \
      " wgmma.mma_async.sync.aligned.m64n256k16.f32." TYPES "\n {" AICERT_WGMMA_REGS \
      "},\n %128, %129, p, 1, 1, %131, %132;\n}\n"                                   \
      : AICERT_WGMMA_OUTS                                                            \
      : "l"(da), "l"(db), "r"(1), "n"(TRANS_A), "n"(TRANS_B))

template <TensorCoreType T, int TRANS_A, int TRANS_B>
__device__ __forceinline__ void wgmma_m64n256k16(float (&d)[128], std::uint64_t da,
                                                 std::uint64_t db) {
  if constexpr (T == TensorCoreType::bf16) {
    AICERT_WGMMA_M64N256K16("bf16.bf16");
  } else {
    AICERT_WGMMA_M64N256K16("f16.f16");
  }
}

#endif  // AICERT_WGMMA_DEVICE

// A_KMAJOR: A's contiguous dimension is K (NN, NT), else M (TN).
// B_KMAJOR: B's contiguous dimension is K (NT), else N (NN, TN).
template <TensorCoreType T, bool A_KMAJOR, bool B_KMAJOR>
__global__ void __launch_bounds__(kThreads, 1)
    wgmma_gemm(const __grid_constant__ CUtensorMap a_map, const __grid_constant__ CUtensorMap b_map,
               GemmLaunch g, int grid_m, int grid_n) {
#ifdef AICERT_WGMMA_DEVICE
  extern __shared__ unsigned char smem_raw[];
  // Stages start 1024-byte aligned: the 128-byte swizzle pattern repeats every 1024 bytes and the
  // descriptors' base offset is 0.
  const std::uint32_t base = (smem_u32(smem_raw) + 1023u) & ~1023u;
  const std::uint32_t bars = base + kStages * kStageBytes;
  auto full = [&](int s) { return bars + 8u * static_cast<std::uint32_t>(s); };
  auto empty = [&](int s) { return bars + 8u * static_cast<std::uint32_t>(kStages + s); };
  auto stage_a = [&](int s) { return base + static_cast<std::uint32_t>(s) * kStageBytes; };
  auto stage_b = [&](int s) { return stage_a(s) + kABytes; };

  const int warpgroup = static_cast<int>(threadIdx.x) / 128;
  const int thread = static_cast<int>(threadIdx.x) % 128;
  if (threadIdx.x == 0) {
    for (int s = 0; s < kStages; ++s) {
      mbar_init(full(s), 1);                // the producer's arrive.expect_tx
      mbar_init(empty(s), kConsumers * 4);  // lane 0 of every consumer warp
    }
    asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
  }
  __syncthreads();

  // Block rasterisation: groups of 8 block rows walked column by column (L2 reuse of B panels).
  constexpr int kGroup = 8;
  const int id = static_cast<int>(blockIdx.x);
  const int per_group = kGroup * grid_n;
  const int first_m = (id / per_group) * kGroup;
  const int group_m = min(grid_m - first_m, kGroup);
  const int in_group = id % per_group;
  const int bm = (first_m + in_group % group_m) * kBM;
  const int bn = (in_group / group_m) * kBN;
  const int k_tiles = (g.k + kBK - 1) / kBK;

  if (warpgroup == 0) {
    // ---- producer ----
    asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(kProducerRegs));
    if (thread == 0) {
      // MN-major boxes wholly past the matrix edge are skipped (wgmma_layout.h).
      const int a_boxes = mn_major_boxes(kBM, g.m - bm), b_boxes = mn_major_boxes(kBN, g.n - bn);
      const std::uint32_t tx_bytes = stage_tx_bytes(A_KMAJOR, B_KMAJOR, g.m - bm, g.n - bn);
      for (int kt = 0; kt < k_tiles; ++kt) {
        const int s = kt % kStages;
        if (kt >= kStages) mbar_wait(empty(s), static_cast<std::uint32_t>((kt / kStages - 1) & 1));
        mbar_arrive_expect_tx(full(s), tx_bytes);
        const int k0 = kt * kBK;
        if constexpr (A_KMAJOR) {
          tma_load_2d(stage_a(s), &a_map, k0, bm, full(s));  // A stored MxK: box 64 (K) x 128
        } else {
#pragma unroll
          for (int i = 0; i < kBM / kBoxInner; ++i) {  // A stored KxM: boxes 64 (M) x 64
            if (i < a_boxes) {
              tma_load_2d(stage_a(s) + i * kSliceBytes, &a_map, bm + i * kBoxInner, k0, full(s));
            }
          }
        }
        if constexpr (B_KMAJOR) {
          tma_load_2d(stage_b(s), &b_map, k0, bn, full(s));  // B stored NxK: box 64 (K) x 256
        } else {
#pragma unroll
          for (int j = 0; j < kBN / kBoxInner; ++j) {  // B stored KxN: boxes 64 (N) x 64
            if (j < b_boxes) {
              tma_load_2d(stage_b(s) + j * kSliceBytes, &b_map, bn + j * kBoxInner, k0, full(s));
            }
          }
        }
      }
    }
  } else {
    // ---- consumers ----
    asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(kConsumerRegs));
    const int consumer = warpgroup - 1;
    const bool warp_leader = thread % 32 == 0;
    // This consumer's 64 rows of A: 64 K-major rows (8 KiB) or the consumer-th 64-wide M slice.
    const std::uint32_t a_offset = consumer_a_offset(A_KMAJOR, consumer);
    float acc[128];
#pragma unroll
    for (int i = 0; i < 128; ++i) acc[i] = 0.f;

    for (int kt = 0; kt < k_tiles; ++kt) {
      const int s = kt % kStages;
      mbar_wait(full(s), static_cast<std::uint32_t>((kt / kStages) & 1));
      // The accumulators' ordinary accesses (zeroing) stay before the fence (as CUTLASS does).
#pragma unroll
      for (int i = 0; i < 128; ++i) fence_operand(acc[i]);
      wgmma_fence();
#pragma unroll
      for (int ks = 0; ks < kBK / 16; ++ks) {
        const std::uint64_t da = descriptor_for(A_KMAJOR, stage_a(s) + a_offset, ks);
        const std::uint64_t db = descriptor_for(B_KMAJOR, stage_b(s), ks);
        wgmma_m64n256k16<T, A_KMAJOR ? 0 : 1, B_KMAJOR ? 0 : 1>(acc, da, db);
      }
      wgmma_commit();
#pragma unroll
      for (int i = 0; i < 128; ++i) fence_operand(acc[i]);
      // The wgmmas of the previous K tile are done: hand its stage back to the producer.
      wgmma_wait<1>();
      if (kt > 0 && warp_leader) mbar_arrive(empty((kt - 1) % kStages));
    }
    wgmma_wait<0>();
#pragma unroll
    for (int i = 0; i < 128; ++i) fence_operand(acc[i]);

    // Epilogue. Accumulator layout of m64nNk16 (f32): warp w of the warpgroup holds rows
    // 16w + lane/4 (+8); acc[4j + e] is column 8j + 2*(lane%4) + (e&1), row +8 when e >= 2.
    Bits* c = static_cast<Bits*>(g.c);
    const int lane = thread % 32, warp = thread / 32;
    const int row0 = bm + consumer * 64 + warp * 16 + lane / 4;
    const bool pairs = g.ldc % 2 == 0 && reinterpret_cast<std::uintptr_t>(c) % 4 == 0;
#pragma unroll
    for (int j = 0; j < kBN / 8; ++j) {
      const int col = bn + j * 8 + (lane % 4) * 2;
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int row = row0 + h * 8;
        if (row >= g.m || col >= g.n) continue;
        Bits* out = c + static_cast<std::int64_t>(row) * g.ldc + col;
        float v0 = g.alpha * acc[4 * j + 2 * h], v1 = g.alpha * acc[4 * j + 2 * h + 1];
        const bool two = col + 1 < g.n;
        if (g.beta != 0.f) {
          v0 = fmaf(g.beta, bits_to_float<T>(out[0]), v0);
          if (two) v1 = fmaf(g.beta, bits_to_float<T>(out[1]), v1);
        }
        if (two && pairs) {
          *reinterpret_cast<std::uint32_t*>(out) =
              static_cast<std::uint32_t>(float_to_bits<T>(v0)) |
              static_cast<std::uint32_t>(float_to_bits<T>(v1)) << 16;
        } else {
          out[0] = float_to_bits<T>(v0);
          if (two) out[1] = float_to_bits<T>(v1);
        }
      }
    }
  }
#else
  // No wgmma on this architecture: the host never launches this (compute capability 9.x only).
  (void)a_map, (void)b_map, (void)g, (void)grid_m, (void)grid_n;
  __trap();
#endif
}

template <TensorCoreType T, bool A_KMAJOR, bool B_KMAJOR>
cudaError_t launch(const WgmmaLaunch& w, cudaStream_t stream) {
  auto kernel = wgmma_gemm<T, A_KMAJOR, B_KMAJOR>;
  if (cudaError_t e =
          cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes);
      e != cudaSuccess) {
    return e;
  }
  const int grid_m = (w.g.m + kBM - 1) / kBM, grid_n = (w.g.n + kBN - 1) / kBN;
  const unsigned blocks = static_cast<unsigned>(grid_m) * static_cast<unsigned>(grid_n);
  kernel<<<blocks, kThreads, kSmemBytes, stream>>>(w.a_map, w.b_map, w.g, grid_m, grid_n);
  return cudaGetLastError();
}

template <TensorCoreType T>
cudaError_t launch_layout(const WgmmaLaunch& w, cudaStream_t stream) {
  if (w.g.a_transposed) return launch<T, false, false>(w, stream);  // TN
  if (w.g.b_transposed) return launch<T, true, true>(w, stream);    // NT
  return launch<T, true, false>(w, stream);                         // NN
}

}  // namespace

cudaError_t launch_wgmma_gemm(TensorCoreType type, const WgmmaLaunch& w, cudaStream_t stream) {
  if (w.g.m == 0 || w.g.n == 0) return cudaSuccess;
  return type == TensorCoreType::bf16 ? launch_layout<TensorCoreType::bf16>(w, stream)
                                      : launch_layout<TensorCoreType::fp16>(w, stream);
}

std::string wgmma_image_error() {
  cudaFuncAttributes attr{};
  const cudaError_t e = cudaFuncGetAttributes(&attr, wgmma_gemm<TensorCoreType::bf16, true, false>);
  if (e == cudaSuccess) return {};
  cudaGetLastError();  // not sticky: clear it so later calls do not report it
  return std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")";
}

}  // namespace aicert::cuda
