// Internals of the CUDA backend that need no GPU: the checking macro's message, version text,
// the support decisions of the GEMM implementations on described devices, a CPU replay of the
// tensor-core kernel's index math, and a check that the Hopper kernel's wgmma descriptors read
// each element where its TMA boxes put it.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <vector>

#include "kernels/cuda/cuda_check.h"
#include "cuda_caps_fixture.h"
#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/gemm_support.h"
#include "kernels/cuda/nvidia_driver_version.h"
#include "kernels/cuda/tensor_core_tiling.h"
#include "kernels/cuda/wgmma_layout.h"

namespace aicert::cuda {
namespace {

using test::h100;

GemmSpec gemm(std::int64_t m, std::int64_t n, std::int64_t k, DType dtype) {
  GemmSpec s;
  s.m = m, s.n = n, s.k = k, s.dtype = dtype;
  return s;
}

TEST(CudaCheck, ErrorNamesCallErrorAndDevice) {
  try {
    AICERT_CUDA("cuda device 3 'X'", cudaErrorMemoryAllocation);
    FAIL() << "no throw";
  } catch (const CudaError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("cudaErrorMemoryAllocation failed: cudaErrorMemoryAllocation (", 0), 0u)
        << what;
    EXPECT_NE(what.find(" on cuda device 3 'X' ["), std::string::npos) << what;
    EXPECT_NE(what.find("cuda_internal_test.cpp:"), std::string::npos) << what;
  }
  try {
    AICERT_CUDA("cuda device 0", CUBLAS_STATUS_NOT_SUPPORTED);
    FAIL() << "no throw";
  } catch (const CudaError& e) {
    EXPECT_NE(std::string(e.what()).find("CUBLAS_STATUS_NOT_SUPPORTED ("), std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(AICERT_CUDA("x", cudaSuccess));
  EXPECT_NO_THROW(AICERT_CUDA("x", CUBLAS_STATUS_SUCCESS));
}

TEST(NvidiaDriverVersion, ReadFromTheProcText) {
  EXPECT_EQ(parse_nvidia_driver_version(
                "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  Thu Oct  2 2025\n"
                "GCC version:  gcc version 12.2.0\n"),
            "580.159.04");
  EXPECT_EQ(parse_nvidia_driver_version("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64"
                                        "  575.51.03  Release Build\n"),
            "575.51.03");
  EXPECT_EQ(parse_nvidia_driver_version(""), "");
  EXPECT_EQ(parse_nvidia_driver_version("Kernel Module\n580.1 on the next line"), "");
}

TEST(CudaDeviceCaps, VersionAndLabel) {
  EXPECT_EQ(cuda_version_string(13000), "13.0");
  EXPECT_EQ(cuda_version_string(12080), "12.8");
  EXPECT_EQ(h100().label(), "cuda device 0 'NVIDIA H100 80GB HBM3'");
  EXPECT_EQ(h100().compute_capability(), 90);
}

// fp8e4m3 inputs (bf16 out): cuBLASLt alone, on compute capability 8.9+, NT (its "TN"),
// dimensions multiples of 16.
TEST(CudaGemmSupport, Fp8OnlyThroughCublasLtWhereItRunsFp8) {
  GemmSpec s = gemm(8192, 8192, 8192, DType::fp8e4m3);
  s.layout = GemmLayout::NT;
  EXPECT_EQ(gemm_unsupported_reason(h100(), s, kCublasLtImpl, ""), "");
  for (auto impl : {kOwnImpl, kWgmmaImpl}) {
    EXPECT_NE(gemm_unsupported_reason(h100(), s, impl, "").find("has no fp8 kernel"),
              std::string::npos);
  }
  DeviceCaps a100 = h100();
  a100.cc_minor = 0, a100.cc_major = 8;
  EXPECT_NE(gemm_unsupported_reason(a100, s, kCublasLtImpl, "").find("compute capability 8.9"),
            std::string::npos);
  s.layout = GemmLayout::NN;
  EXPECT_NE(gemm_unsupported_reason(h100(), s, kCublasLtImpl, "").find("not NN"),
            std::string::npos);
  s.layout = GemmLayout::NT;
  s.k = 8200;
  EXPECT_NE(gemm_unsupported_reason(h100(), s, kCublasLtImpl, "").find("multiples of 16"),
            std::string::npos);
}

TEST(CudaGemmSupport, SupportedOnH100) {
  for (DType t : {DType::fp32, DType::fp16, DType::bf16}) {
    for (auto impl : {kOwnImpl, kCublasLtImpl}) {
      EXPECT_EQ(gemm_unsupported_reason(h100(), gemm(8192, 8192, 8192, t), impl, ""), "");
    }
  }
  EXPECT_EQ(gemm_unsupported_reason(h100(), gemm(31, 45, 0, DType::bf16), kOwnImpl, ""), "");
}

TEST(CudaGemmSupport, RefusalsSayWhy) {
  DeviceCaps turing = h100();
  turing.cc_major = 7;
  turing.cc_minor = 5;
  const std::string old =
      gemm_unsupported_reason(turing, gemm(64, 64, 64, DType::fp32), kOwnImpl, "");
  EXPECT_EQ(old.rfind("not supported: cuda:tiled needs compute capability 8.0", 0), 0u) << old;
  EXPECT_NE(old.find("has 7.5"), std::string::npos) << old;
  EXPECT_EQ(gemm_unsupported_reason(turing, gemm(64, 64, 64, DType::fp32), kCublasLtImpl, ""), "");

  const std::string image = gemm_unsupported_reason(h100(), gemm(64, 64, 64, DType::bf16), kOwnImpl,
                                                    "cudaErrorNoKernelImageForDevice");
  EXPECT_NE(image.find("no code for cuda device 0"), std::string::npos) << image;
  EXPECT_NE(image.find("sm_90"), std::string::npos) << image;
  EXPECT_EQ(gemm_unsupported_reason(h100(), gemm(64, 64, 64, DType::bf16), kCublasLtImpl,
                                    "cudaErrorNoKernelImageForDevice"),
            "");

  const std::string k0 =
      gemm_unsupported_reason(h100(), gemm(31, 45, 0, DType::fp32), kCublasLtImpl, "");
  EXPECT_EQ(k0.rfind("not supported: cuBLASLt rejects K=0", 0), 0u) << k0;

  const std::string big =
      gemm_unsupported_reason(h100(), gemm(200000, 200000, 8, DType::fp32), kCublasLtImpl, "");
  EXPECT_EQ(big.rfind("not supported: the operands need ", 0), 0u) << big;

  const std::string huge = gemm_unsupported_reason(
      h100(), gemm((std::int64_t{1} << 30) + 1, 1, 1, DType::fp32), kOwnImpl, "");
  EXPECT_NE(huge.find("2^30"), std::string::npos) << huge;
}

// ---- replay of the tensor-core kernel's data movement on the CPU --------------------------------
// One block tile (128x128, one K tile of 32) of each layout: operands stored into swizzled tiles
// the way load_tile does, read back the way ldmatrix(.trans) hands them to each lane, multiplied
// with the fragment layouts of mma.m16n8k16 and written out with the accumulator layout. The
// result must be the exact product, every output written once, every ldmatrix phase free of
// bank conflicts.
namespace tensor_core_replay {

using namespace aicert::cuda::tiling;  // NOLINT(google-build-using-namespace)

constexpr int kM = kBlockM, kN = kBlockN, kK = kBlockK;

// A tile as stored in shared memory: rows of CHUNKS chunks of 8 elements, swizzled.
struct Smem {
  std::vector<int> data = std::vector<int>(kTileElems, -1);
  bool k_rows_short = false;  // CHUNKS=4 (rows along M or N, K contiguous) or 16 (rows along K)
  int offset(RowChunk rc) const {
    return k_rows_short ? swizzled_offset<4>(rc.row, rc.chunk)
                        : swizzled_offset<16>(rc.row, rc.chunk);
  }
};

// ldmatrix.x4: lanes 8j..8j+7 give the 8 row addresses of matrix j; lane t receives from each
// matrix the pair (row t/4, cols 2(t%4), +1), or with .trans (rows 2(t%4), +1, col t/4).
using Regs = std::array<std::array<std::array<int, 2>, 4>, 32>;  // [lane][register][half]
Regs ldmatrix_x4(const Smem& s, const std::array<RowChunk, 32>& sources, bool trans,
                 int* bank_conflicts) {
  Regs out{};
  for (int j = 0; j < 4; ++j) {
    int mat[8][8];
    std::set<int> slots;
    for (int r = 0; r < 8; ++r) {
      const int off = s.offset(sources[static_cast<std::size_t>(8 * j + r)]);
      slots.insert((off * 2 / 16) % 8);  // 16-byte slot within a 128-byte bank line
      for (int c = 0; c < 8; ++c) mat[r][c] = s.data[static_cast<std::size_t>(off + c)];
    }
    if (slots.size() != 8) ++*bank_conflicts;
    for (int t = 0; t < 32; ++t) {
      for (int h = 0; h < 2; ++h) {
        out[static_cast<std::size_t>(t)][static_cast<std::size_t>(j)][static_cast<std::size_t>(h)] =
            trans ? mat[2 * (t % 4) + h][t / 4] : mat[t / 4][2 * (t % 4) + h];
      }
    }
  }
  return out;
}

void replay(bool a_kmajor, bool b_kmajor) {
  SCOPED_TRACE(std::string("A ") + (a_kmajor ? "K-major" : "M-major") + ", B " +
               (b_kmajor ? "K-major" : "N-major"));
  std::vector<int> a(kM * kK), b(kK * kN);  // logical A[m][k], B[k][n]
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<int>((i * 7919) % 13) - 6;
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<int>((i * 104729) % 11) - 5;
  Smem sa, sb;
  sa.k_rows_short = a_kmajor;
  sb.k_rows_short = b_kmajor;
  for (int m = 0; m < kM; ++m) {
    for (int k = 0; k < kK; ++k) {
      const int v = a[static_cast<std::size_t>(m * kK + k)];
      const int off = a_kmajor ? sa.offset({m, k / 8}) + k % 8 : sa.offset({k, m / 8}) + m % 8;
      ASSERT_EQ(sa.data[static_cast<std::size_t>(off)], -1) << "two elements at one place";
      sa.data[static_cast<std::size_t>(off)] = v;
    }
  }
  for (int k = 0; k < kK; ++k) {
    for (int n = 0; n < kN; ++n) {
      const int v = b[static_cast<std::size_t>(k * kN + n)];
      const int off = b_kmajor ? sb.offset({n, k / 8}) + k % 8 : sb.offset({k, n / 8}) + n % 8;
      ASSERT_EQ(sb.data[static_cast<std::size_t>(off)], -1) << "two elements at one place";
      sb.data[static_cast<std::size_t>(off)] = v;
    }
  }

  std::vector<int> c(kM * kN, 0), writes(kM * kN, 0);
  int conflicts = 0;
  for (int warp = 0; warp < kThreads / 32; ++warp) {
    int acc[32][4][4][4] = {};
    for (int ks = 0; ks < kK / 16; ++ks) {
      Regs af[4];
      std::array<std::array<std::array<int, 2>, 2>, 32> bf[4];  // [j][lane][b0/b1][half]
      for (int i = 0; i < 4; ++i) {
        std::array<RowChunk, 32> src{};
        for (int lane = 0; lane < 32; ++lane) {
          src[static_cast<std::size_t>(lane)] =
              a_fragment_source(a_kmajor, lane, warp_m_base(warp) + i * 16, ks);
        }
        af[i] = ldmatrix_x4(sa, src, !a_kmajor, &conflicts);
      }
      for (int jn = 0; jn < 2; ++jn) {
        std::array<RowChunk, 32> src{};
        for (int lane = 0; lane < 32; ++lane) {
          src[static_cast<std::size_t>(lane)] =
              b_fragment_source(b_kmajor, lane, warp_n_base(warp) + jn * 16, ks);
        }
        const Regs r = ldmatrix_x4(sb, src, !b_kmajor, &conflicts);
        for (std::size_t lane = 0; lane < 32; ++lane) {
          bf[jn * 2][lane] = {r[lane][0], r[lane][1]};
          bf[jn * 2 + 1][lane] = {r[lane][2], r[lane][3]};
        }
      }
      // mma.m16n8k16 (PTX ISA fragment layouts), g = lane/4, t = lane%4:
      // a0 (g, 2t..), a1 (g+8, 2t..), a2 (g, 2t+8..), a3 (g+8, 2t+8..); b0 (k 2t.., n g),
      // b1 (k 2t+8.., n g); c0,c1 (g, 2t..), c2,c3 (g+8, 2t..).
      for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) {
          int fa[16][16], fb[16][8];
          for (int lane = 0; lane < 32; ++lane) {
            const int g = lane / 4, t = lane % 4;
            for (int h = 0; h < 2; ++h) {
              const auto& ra = af[i][static_cast<std::size_t>(lane)];
              fa[g][2 * t + h] = ra[0][static_cast<std::size_t>(h)];
              fa[g + 8][2 * t + h] = ra[1][static_cast<std::size_t>(h)];
              fa[g][2 * t + 8 + h] = ra[2][static_cast<std::size_t>(h)];
              fa[g + 8][2 * t + 8 + h] = ra[3][static_cast<std::size_t>(h)];
              const auto& rb = bf[j][static_cast<std::size_t>(lane)];
              fb[2 * t + h][g] = rb[0][static_cast<std::size_t>(h)];
              fb[2 * t + 8 + h][g] = rb[1][static_cast<std::size_t>(h)];
            }
          }
          for (int lane = 0; lane < 32; ++lane) {
            const int g = lane / 4, t = lane % 4;
            for (int e = 0; e < 4; ++e) {
              const int row = g + (e / 2) * 8, col = 2 * t + e % 2;
              for (int k = 0; k < 16; ++k) acc[lane][i][j][e] += fa[row][k] * fb[k][col];
            }
          }
        }
      }
    }
    for (int lane = 0; lane < 32; ++lane) {
      for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) {
          for (int e = 0; e < 4; ++e) {
            const int row = acc_row(warp, lane, i, e), col = acc_col(warp, lane, j, e);
            ASSERT_TRUE(row >= 0 && row < kM && col >= 0 && col < kN) << row << "," << col;
            c[static_cast<std::size_t>(row * kN + col)] = acc[lane][i][j][e];
            ++writes[static_cast<std::size_t>(row * kN + col)];
          }
        }
      }
    }
  }
  EXPECT_EQ(conflicts, 0) << "ldmatrix phases with shared-memory bank conflicts";
  int wrong = 0;
  for (int m = 0; m < kM; ++m) {
    for (int n = 0; n < kN; ++n) {
      int ref = 0;
      for (int k = 0; k < kK; ++k) {
        ref += a[static_cast<std::size_t>(m * kK + k)] * b[static_cast<std::size_t>(k * kN + n)];
      }
      const auto at = static_cast<std::size_t>(m * kN + n);
      if (writes[at] != 1 || c[at] != ref) ++wrong;
    }
  }
  EXPECT_EQ(wrong, 0);
}

}  // namespace tensor_core_replay

TEST(CudaTensorCoreTiling, ReplayOfNnComputesTheProduct) {
  tensor_core_replay::replay(true, false);
}
TEST(CudaTensorCoreTiling, ReplayOfNtComputesTheProduct) { tensor_core_replay::replay(true, true); }
TEST(CudaTensorCoreTiling, ReplayOfTnComputesTheProduct) {
  tensor_core_replay::replay(false, false);
}

// ---- cuda:wgmma ---------------------------------------------------------------------------------

GemmSpec gemm(std::int64_t m, std::int64_t n, std::int64_t k, GemmLayout layout, DType dtype) {
  GemmSpec s = gemm(m, n, k, dtype);
  s.layout = layout;
  return s;
}

TEST(CudaWgmmaSupport, SupportedOnH100ForAlignedStrides) {
  for (DType t : {DType::fp16, DType::bf16}) {
    for (GemmLayout l : {GemmLayout::NN, GemmLayout::NT, GemmLayout::TN}) {
      EXPECT_EQ(gemm_unsupported_reason(h100(), gemm(8192, 8192, 8192, l, t), kWgmmaImpl, ""), "");
      EXPECT_EQ(gemm_unsupported_reason(h100(), gemm(200, 136, 72, l, t), kWgmmaImpl, ""), "");
      // K = 0 reads no operand: any stride will do.
      EXPECT_EQ(gemm_unsupported_reason(h100(), gemm(31, 45, 0, l, t), kWgmmaImpl, ""), "");
    }
  }
  // Odd M and N are tails of the tile, not strides, in NT.
  EXPECT_EQ(gemm_unsupported_reason(h100(), gemm(257, 129, 304, GemmLayout::NT, DType::bf16),
                                    kWgmmaImpl, ""),
            "");
}

TEST(CudaWgmmaSupport, RefusalsSayWhy) {
  const std::string fp32 =
      gemm_unsupported_reason(h100(), gemm(64, 64, 64, DType::fp32), kWgmmaImpl, "");
  EXPECT_EQ(fp32, "not supported: wgmma runs fp16/bf16 here; fp32 is cuda:tiled's");

  DeviceCaps ampere = h100();
  ampere.cc_major = 8;
  const std::string old =
      gemm_unsupported_reason(ampere, gemm(64, 64, 64, DType::bf16), kWgmmaImpl, "");
  EXPECT_EQ(old.rfind("not supported: cuda:wgmma needs a Hopper GPU (compute capability 9.x", 0),
            0u)
      << old;
  EXPECT_NE(old.find("has 8.0"), std::string::npos) << old;
  DeviceCaps blackwell = h100();
  blackwell.cc_major = 10;
  EXPECT_NE(gemm_unsupported_reason(blackwell, gemm(64, 64, 64, DType::bf16), kWgmmaImpl, "")
                .find("has 10.0"),
            std::string::npos);

  const std::string image = gemm_unsupported_reason(h100(), gemm(64, 64, 64, DType::bf16),
                                                    kWgmmaImpl, "cudaErrorNoKernelImageForDevice");
  EXPECT_NE(image.find("cuda:wgmma has no code for cuda device 0"), std::string::npos) << image;

  // TMA needs row strides that are multiples of 16 bytes: each operand, each layout.
  struct Case {
    GemmSpec spec;
    const char* expect;
  };
  const Case cases[] = {
      {gemm(64, 64, 300, GemmLayout::NN, DType::bf16),
       "loads A (NN) with TMA and its leading dimension of 300 elements is 600 bytes, not a "
       "multiple of 16"},
      {gemm(64, 129, 64, GemmLayout::NN, DType::fp16), "loads B (NN) with TMA"},
      {gemm(64, 64, 300, GemmLayout::NT, DType::bf16), "loads A (NT) with TMA"},
      {gemm(257, 64, 64, GemmLayout::TN, DType::bf16), "loads A (TN) with TMA"},
      {gemm(64, 129, 64, GemmLayout::TN, DType::fp16), "loads B (TN) with TMA"},
  };
  for (const Case& c : cases) {
    const std::string why = gemm_unsupported_reason(h100(), c.spec, kWgmmaImpl, "");
    EXPECT_EQ(why.rfind("not supported: cuda:wgmma ", 0), 0u) << why;
    EXPECT_NE(why.find(c.expect), std::string::npos) << why;
    EXPECT_NE(why.find("not a multiple of 16"), std::string::npos) << why;
  }
}

// The shared-memory contract of wgmma_gemm.cu, replayed on the CPU: TMA writes element (mn, k) of
// a tile to a logical offset that its 128-byte swizzle permutes by address bits; wgmma reads
// element (r, k) of a 64x16 (A) or 256x16 (B) slice at the address that its descriptor (decoded
// here field by field) gives by the canonical layouts of the PTX ISA, permuted by the same
// swizzle. Every element must be read exactly where it was written, for every stage, consumer
// and k16 step, in both majornesses.
namespace wgmma_replay {

using namespace aicert::cuda::wgmma;  // NOLINT(google-build-using-namespace)

std::uint32_t swizzle128(std::uint32_t address) { return address ^ (((address >> 7) & 7u) << 4); }

// Logical offset in an operand block of a stage where TMA puts tile element (mn, k).
std::uint32_t tma_offset(bool k_major, int mn, int k) {
  const auto u = [](int v) { return static_cast<std::uint32_t>(v); };
  return k_major ? u(mn) * kRowBytes + u(k) * 2
                 : u(mn / kBoxInner) * kSliceBytes + u(k) * kRowBytes + u(mn % kBoxInner) * 2;
}

// The address (before swizzling) that wgmma reads for element (r, k) of the slice `desc` names.
std::uint32_t wgmma_address(bool k_major, std::uint64_t desc, int r, int k) {
  const auto field = [&](int shift) {
    return static_cast<std::uint32_t>((desc >> shift) & 0x3FFF) << 4;
  };
  const std::uint32_t start = field(0), lbo = field(16), sbo = field(32);
  const auto u = [](int v) { return static_cast<std::uint32_t>(v); };
  if (k_major) {  // ((8,m),(T,2k)):((8T,SBO),(1,T)): rows of 128 bytes, groups of 8 rows at SBO
    return start + u(r / 8) * sbo + u(r % 8) * kRowBytes + u(k) * 2;
  }
  // ((T,8,m),(8,k)):((1,T,LBO),(8T,SBO)): 64 contiguous M/N values, slices at LBO; K rows of
  // 128 bytes, groups of 8 K rows at SBO.
  return start + u(r / 64) * lbo + u(r % 64) * 2 + u(k / 8) * sbo + u(k % 8) * kRowBytes;
}

// Mismatches over one operand (rows: 128 for A, 256 for B) in every stage, consumer, k16 step.
int mismatches(bool is_a, bool k_major) {
  int bad = 0;
  for (int stage = 0; stage < kStages; ++stage) {
    // Where the kernel puts the stage: 1024-aligned dynamic shared memory, A then B.
    const std::uint32_t base = 1024u + static_cast<std::uint32_t>(stage) * kStageBytes;
    const std::uint32_t block = is_a ? base : base + kABytes;
    for (int consumer = 0; consumer < (is_a ? kBlockM / kConsumerRows : 1); ++consumer) {
      const std::uint32_t start = block + (is_a ? consumer_a_offset(k_major, consumer) : 0u);
      const int rows = is_a ? kConsumerRows : kBlockN;
      for (int ks = 0; ks < kBlockK / 16; ++ks) {
        const std::uint64_t desc = descriptor_for(k_major, start, ks);
        if (desc >> 62 != 1 || ((desc >> 49) & 7) != 0) ++bad;  // 128-byte swizzle, base 0
        for (int r = 0; r < rows; ++r) {
          for (int k = 0; k < 16; ++k) {
            const int mn = (is_a ? consumer * kConsumerRows : 0) + r;
            const std::uint32_t written = swizzle128(block + tma_offset(k_major, mn, ks * 16 + k));
            const std::uint32_t read = swizzle128(wgmma_address(k_major, desc, r, k));
            if (written != read) ++bad;
          }
        }
      }
    }
  }
  return bad;
}

}  // namespace wgmma_replay

TEST(CudaWgmmaLayout, DescriptorsReadWhatTmaWrote) {
  EXPECT_EQ(wgmma_replay::mismatches(true, true), 0) << "A K-major (NN, NT)";
  EXPECT_EQ(wgmma_replay::mismatches(true, false), 0) << "A M-major (TN)";
  EXPECT_EQ(wgmma_replay::mismatches(false, true), 0) << "B K-major (NT)";
  EXPECT_EQ(wgmma_replay::mismatches(false, false), 0) << "B N-major (NN, TN)";
}

TEST(CudaWgmmaLayout, BoxesFillTheStage) {
  using namespace aicert::cuda::wgmma;  // NOLINT(google-build-using-namespace)
  // Bytes one stage's TMA boxes deliver: what the producer announces with expect_tx.
  for (bool k_major : {true, false}) {
    const int a = (k_major ? 1 : kBlockM / kBoxInner) * kBoxInner * box_rows(true, k_major) * 2;
    const int b = (k_major ? 1 : kBlockN / kBoxInner) * kBoxInner * box_rows(false, k_major) * 2;
    EXPECT_EQ(a, kABytes);
    EXPECT_EQ(b, kBBytes);
  }
  EXPECT_EQ(stage_tx_bytes(true, true, 1000, 1000), static_cast<std::uint32_t>(kStageBytes));
  EXPECT_EQ(stage_tx_bytes(false, false, 1000, 1000), static_cast<std::uint32_t>(kStageBytes));
  // At the edges only the MN-major boxes that reach into the matrix are loaded and counted.
  EXPECT_EQ(mn_major_boxes(kBlockN, 8), 1);
  EXPECT_EQ(mn_major_boxes(kBlockN, 64), 1);
  EXPECT_EQ(mn_major_boxes(kBlockN, 65), 2);
  EXPECT_EQ(mn_major_boxes(kBlockN, 256), 4);
  EXPECT_EQ(mn_major_boxes(kBlockM, 129), 2);
  EXPECT_EQ(stage_tx_bytes(true, false, 8, 8), static_cast<std::uint32_t>(kABytes + kSliceBytes));
  EXPECT_EQ(stage_tx_bytes(false, false, 8, 136),
            static_cast<std::uint32_t>(kSliceBytes + 3 * kSliceBytes));
  EXPECT_LE(box_rows(false, true), 256);  // TMA boxes are at most 256 per dimension
  // The last stage's end must stay addressable by the descriptors' 14-bit start field.
  EXPECT_LT(1024 + kStages * kStageBytes, (1 << 14) << 4);
}

}  // namespace
}  // namespace aicert::cuda
