// cuda:flash without a GPU: its support decisions on described devices, and a CPU replay of the
// kernel's data movement (flash_attention.cu) with the index math it uses
// (flash_attention_tiling.h): swizzled K/V/Q tiles, the ldmatrix rows each lane names at each
// step, the mma.sync m16n8k16 fragment layouts, the S accumulator repacked as P's A fragment,
// the .trans V fragments, the mask and the causal tile skipping. The replay computes attention
// in fp32 and must match an fp64 reference, so an index slip shows here before a GPU run. And
// the kernel's rounding (P rounded once, or split in head + tail) through check_attention.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include "cuda_caps_fixture.h"
#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/flash_attention_kernel.h"
#include "kernels/cuda/flash_attention_tiling.h"
#include "workloads/attention_workload.h"

namespace aicert::cuda {
namespace {

using namespace flash;  // NOLINT(google-build-using-namespace): the tiling under test

using test::h100;

AttentionSpec spec(std::int64_t d, DType t, std::int64_t hq = 8, std::int64_t hkv = 2) {
  AttentionSpec s;
  s.batch = 4, s.q_heads = hq, s.kv_heads = hkv, s.q_len = s.kv_len = 4096, s.head_dim = d;
  s.dtype = t;
  return s;
}

TEST(CudaFlashSupport, RunsFp16AndBf16AtHeadDim64And128) {
  for (DType t : {DType::fp16, DType::bf16}) {
    for (std::int64_t d : {64, 128}) {
      EXPECT_EQ(flash_unsupported_reason(h100(), spec(d, t), ""), "") << d;
    }
  }
}

TEST(CudaFlashSupport, RefusalsSayWhy) {
  auto refusal = [](const DeviceCaps& c, const AttentionSpec& s, const char* says) {
    const std::string why = flash_unsupported_reason(c, s, "");
    EXPECT_EQ(why.rfind("not supported: cuda:flash ", 0), 0u) << why;
    EXPECT_NE(why.find(says), std::string::npos) << why;
  };
  refusal(h100(), spec(64, DType::fp32), "fp32");
  refusal(h100(), spec(64, DType::int32), "int32");
  for (std::int64_t d : {1, 32, 80, 96, 256}) refusal(h100(), spec(d, DType::bf16), "head dim");
  refusal(h100(), spec(64, DType::bf16, 70000, 70000), "65535");
  DeviceCaps volta = h100();
  volta.cc_major = 7;
  refusal(volta, spec(64, DType::fp16), "compute capability 8.0");
  DeviceCaps small = h100();
  small.shared_mem_per_block_optin = static_cast<std::uint64_t>(smem_bytes(128)) - 1;
  refusal(small, spec(128, DType::bf16), "shared memory");
  small.shared_mem_per_block_optin += 1;
  EXPECT_EQ(flash_unsupported_reason(small, spec(128, DType::bf16), ""), "");
  DeviceCaps tiny = h100();
  tiny.global_mem_bytes = 1 << 20;
  refusal(tiny, spec(64, DType::bf16), "bytes of operands");
  const std::string why =
      flash_unsupported_reason(h100(), spec(64, DType::bf16), "cudaErrorNoKernelImageForDevice");
  EXPECT_NE(why.find("has no code"), std::string::npos) << why;
}

TEST(CudaFlashTiling, SharedMemoryFitsTwoBlocksPerSm) {
  EXPECT_EQ(smem_bytes(64), (128 + 2 * kStages * 64) * 64 * 2);
  EXPECT_EQ(smem_bytes(128), (128 + 2 * kStages * 32) * 128 * 2);
  for (int d : {64, 128}) EXPECT_LE(2 * smem_bytes(d), 227 * 1024) << d;  // H100: two CTAs
  // A100: two CTAs at D = 64, one at D = 128 (96 KiB of its 164), which its registers would
  // nearly force anyway (2 x 128 threads x ~230 registers of 64 Ki).
  EXPECT_LE(2 * smem_bytes(64), 164 * 1024);
  EXPECT_LE(smem_bytes(128), 164 * 1024);
}

// Every (row, chunk) of a tile lands on its own 16-byte slot, inside the tile.
template <int CHUNKS>
void expect_swizzle_is_a_permutation(int rows) {
  std::set<int> seen;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < CHUNKS; ++c) {
      const int off = swizzled_offset<CHUNKS>(r, c);
      EXPECT_EQ(off % 8, 0);
      EXPECT_GE(off, 0);
      EXPECT_LT(off, rows * CHUNKS * 8);
      seen.insert(off);
    }
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(rows * CHUNKS));
}
TEST(CudaFlashTiling, SwizzleIsAPermutation) {
  expect_swizzle_is_a_permutation<8>(128);
  expect_swizzle_is_a_permutation<16>(128);
}

// step_offset(lane offset, s) is the offset of chunk 2s + c of the same row, for every lane.
template <int CHUNKS>
void expect_steps_match_the_swizzle() {
  for (int lane = 0; lane < 32; ++lane) {
    for (int s = 0; s < CHUNKS / 2; ++s) {
      EXPECT_EQ(step_offset(q_lane_offset<CHUNKS>(32, lane), s),
                2u * swizzled_offset<CHUNKS>(32 + lane % 16, 2 * s + lane / 16));
      EXPECT_EQ(step_offset(k_lane_offset<CHUNKS>(lane), s),
                2u * swizzled_offset<CHUNKS>((lane / 16) * 8 + lane % 8, 2 * s + (lane / 8) % 2));
      EXPECT_EQ(step_offset(v_lane_offset<CHUNKS>(lane), s),
                2u * swizzled_offset<CHUNKS>(((lane / 8) % 2) * 8 + lane % 8, 2 * s + lane / 16));
    }
  }
}
TEST(CudaFlashTiling, StepOffsetsFollowTheSwizzle) {
  expect_steps_match_the_swizzle<8>();
  expect_steps_match_the_swizzle<16>();
}

// The 8 rows of each ldmatrix phase (lanes 8m..8m+7) fall in 8 distinct bank groups.
template <int CHUNKS>
void expect_no_bank_conflicts() {
  for (int s = 0; s < CHUNKS / 2; ++s) {
    for (int m = 0; m < 4; ++m) {
      std::set<unsigned> q, k, v;
      for (int lane = 8 * m; lane < 8 * m + 8; ++lane) {
        q.insert(step_offset(q_lane_offset<CHUNKS>(0, lane), s) / 16 % 8);
        k.insert(step_offset(k_lane_offset<CHUNKS>(lane), s) / 16 % 8);
        v.insert(step_offset(v_lane_offset<CHUNKS>(lane), s) / 16 % 8);
      }
      EXPECT_EQ(q.size(), 8u);
      EXPECT_EQ(k.size(), 8u);
      EXPECT_EQ(v.size(), 8u);
    }
  }
}
TEST(CudaFlashTiling, LdmatrixPhasesAreBankConflictFree) {
  expect_no_bank_conflicts<8>();
  expect_no_bank_conflicts<16>();
}

// The tiles a query tile visits hold every key one of its rows sees, and the tiles left
// unmasked hide no key from any row.
TEST(CudaFlashTiling, CausalSkippingAndMaskingCoverEveryVisibleKey) {
  for (int bn : {32, 64}) {
    for (auto [sq, sk] : {std::pair{1, 1},
                          {7, 7},
                          {128, 128},
                          {1000, 1000},
                          {5, 300},
                          {130, 1000},
                          {1000, 1030},
                          {300, 77}}) {
      for (bool causal : {false, true}) {
        if (causal && sq > sk) continue;
        for (int q0 = 0; q0 < sq; q0 += kBlockM) {
          const int tiles = kv_tiles(q0, sq, sk, causal, bn);
          EXPECT_LE((tiles - 1) * bn, sk - 1);
          for (int row = q0; row < std::min(q0 + kBlockM, sq); ++row) {
            for (int key = 0; key < sk; ++key) {
              const bool sees = key_visible(row, key, sq, sk, causal);
              EXPECT_TRUE(!sees || key / bn < tiles) << row << " " << key;
              if (!tile_needs_mask(q0, key / bn * bn, sq, sk, causal, bn)) {
                EXPECT_TRUE(sees) << sq << " " << sk << " " << row << " " << key;
              }
            }
          }
        }
      }
    }
  }
}

// ---- CPU replay of the kernel -------------------------------------------------------------------

// A register of a fragment: two 16-bit elements (lo = bits 0..15, hi = bits 16..31).
struct Reg {
  float lo = 0, hi = 0;
};
using Warp4 = std::array<std::array<Reg, 4>, 32>;  // [lane][register]

// ldmatrix.x4 (.trans): lanes 8m..8m+7 name the 8 rows of matrix m (byte offsets into `smem`).
Warp4 ldmatrix_x4(const std::vector<float>& smem, const std::array<unsigned, 32>& offsets,
                  bool trans) {
  Warp4 r{};
  for (int lane = 0; lane < 32; ++lane) {
    const int g = lane / 4, t = lane % 4;
    for (int m = 0; m < 4; ++m) {
      auto at = [&](int row, int col) {
        return smem[offsets[static_cast<std::size_t>(8 * m + row)] / 2 +
                    static_cast<unsigned>(col)];
      };
      Reg& x = r[static_cast<std::size_t>(lane)][static_cast<std::size_t>(m)];
      if (trans) {
        x = {at(2 * t, g), at(2 * t + 1, g)};
      } else {
        x = {at(g, 2 * t), at(g, 2 * t + 1)};
      }
    }
  }
  return r;
}

// d += a b for one warp: a 16x16 (a0: rows g, k 2t..; a1: rows g+8; a2: k +8; a3: both),
// b 16x8 (b0: k 2t, 2t+1 of column g; b1: k + 8), d 16x8 (c0, c1 at row g, c2, c3 at row g+8).
void mma_16816(std::array<std::array<float, 4>, 32>& d, const std::array<std::array<Reg, 4>, 32>& a,
               const std::array<std::array<Reg, 2>, 32>& b) {
  float am[16][16], bm[16][8];
  for (int lane = 0; lane < 32; ++lane) {
    const int g = lane / 4, t = lane % 4;
    const auto& ar = a[static_cast<std::size_t>(lane)];
    const auto& br = b[static_cast<std::size_t>(lane)];
    am[g][2 * t] = ar[0].lo, am[g][2 * t + 1] = ar[0].hi;
    am[g + 8][2 * t] = ar[1].lo, am[g + 8][2 * t + 1] = ar[1].hi;
    am[g][2 * t + 8] = ar[2].lo, am[g][2 * t + 9] = ar[2].hi;
    am[g + 8][2 * t + 8] = ar[3].lo, am[g + 8][2 * t + 9] = ar[3].hi;
    bm[2 * t][g] = br[0].lo, bm[2 * t + 1][g] = br[0].hi;
    bm[2 * t + 8][g] = br[1].lo, bm[2 * t + 9][g] = br[1].hi;
  }
  for (int lane = 0; lane < 32; ++lane) {
    const int g = lane / 4, t = lane % 4;
    for (int e = 0; e < 4; ++e) {
      const int row = g + (e / 2) * 8, col = 2 * t + e % 2;
      float sum = 0;
      for (int k = 0; k < 16; ++k) sum += am[row][k] * bm[k][col];
      d[static_cast<std::size_t>(lane)][static_cast<std::size_t>(e)] += sum;
    }
  }
}

struct Problem {
  int hq, hkv, sq, sk;
  bool causal;
};

// The kernel's steps for every CTA of one batch, all heads, in fp32; returns O [Hq, Sq, D].
template <int D>
std::vector<float> replay(const Problem& p, const std::vector<float>& q,
                          const std::vector<float>& k, const std::vector<float>& v,
                          float scale_log2) {
  constexpr int kChunks = D / 8, kBN = block_n(D), kNB = kBN / 8, kDB = D / 8;
  std::vector<float> o(static_cast<std::size_t>(p.hq * p.sq * D), -1e30f);
  auto load = [](std::vector<float>& tile, const std::vector<float>& g, std::size_t base, int rows,
                 int row0, int limit) {
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < kChunks; ++c) {
        for (int e = 0; e < 8; ++e) {
          tile[static_cast<std::size_t>(swizzled_offset<kChunks>(r, c) + e)] =
              row0 + r < limit ? g[base + static_cast<std::size_t>((row0 + r) * D + c * 8 + e)]
                               : 0.f;
        }
      }
    }
  };
  const int q_tiles = (p.sq + kBlockM - 1) / kBlockM;
  for (int h = 0; h < p.hq; ++h) {
    const int hkv = h / (p.hq / p.hkv);
    const auto q_base = static_cast<std::size_t>(h * p.sq * D);
    const auto kv_base = static_cast<std::size_t>(hkv * p.sk * D);
    for (int qt = 0; qt < q_tiles; ++qt) {
      const int q0 = qt * kBlockM;
      std::vector<float> sq(kBlockM * D), sk(kBN * D), sv(kBN * D);
      load(sq, q, q_base, kBlockM, q0, p.sq);
      for (int warp = 0; warp < kWarps; ++warp) {
        const int warp_row = warp * 16 * kMTiles;
        std::array<unsigned, 32> q_lane{}, k_lane{}, v_lane{};
        for (int lane = 0; lane < 32; ++lane) {
          q_lane[static_cast<std::size_t>(lane)] = q_lane_offset<kChunks>(warp_row, lane);
          k_lane[static_cast<std::size_t>(lane)] = k_lane_offset<kChunks>(lane);
          v_lane[static_cast<std::size_t>(lane)] = v_lane_offset<kChunks>(lane);
        }
        using Acc = std::array<std::array<float, 4>, 32>;  // [lane][c0..c3]
        std::vector<std::vector<Acc>> acc(kMTiles, std::vector<Acc>(kDB, Acc{}));
        std::vector<std::array<std::array<float, 2>, 32>> row_max(kMTiles), row_sum(kMTiles);
        for (auto& m : row_max)
          for (auto& l : m) l = {-INFINITY, -INFINITY};
        for (auto& m : row_sum)
          for (auto& l : m) l = {0.f, 0.f};
        const int n_tiles = kv_tiles(q0, p.sq, p.sk, p.causal, kBN);
        for (int j = 0; j < n_tiles; ++j) {
          const int k0 = j * kBN;
          load(sk, k, kv_base, kBN, k0, p.sk);
          load(sv, v, kv_base, kBN, k0, p.sk);
          std::vector<std::vector<Acc>> s(kMTiles, std::vector<Acc>(kNB, Acc{}));
          for (int ks = 0; ks < D / 16; ++ks) {
            std::vector<Warp4> qf(kMTiles);
            for (int mt = 0; mt < kMTiles; ++mt) {
              std::array<unsigned, 32> off{};
              for (std::size_t l = 0; l < 32; ++l) {
                off[l] = static_cast<unsigned>(mt * 16 * D * 2) + step_offset(q_lane[l], ks);
              }
              qf[static_cast<std::size_t>(mt)] = ldmatrix_x4(sq, off, false);
            }
            for (int nb2 = 0; nb2 < kNB / 2; ++nb2) {
              std::array<unsigned, 32> off{};
              for (std::size_t l = 0; l < 32; ++l) {
                off[l] = static_cast<unsigned>(nb2 * 16 * D * 2) + step_offset(k_lane[l], ks);
              }
              const Warp4 r = ldmatrix_x4(sk, off, false);
              std::array<std::array<Reg, 2>, 32> b0{}, b1{};
              for (std::size_t l = 0; l < 32; ++l) {
                b0[l] = {r[l][0], r[l][1]};
                b1[l] = {r[l][2], r[l][3]};
              }
              for (std::size_t mt = 0; mt < kMTiles; ++mt) {
                mma_16816(s[mt][static_cast<std::size_t>(2 * nb2)], qf[mt], b0);
                mma_16816(s[mt][static_cast<std::size_t>(2 * nb2 + 1)], qf[mt], b1);
              }
            }
          }
          for (std::size_t lane = 0; lane < 32; ++lane) {
            const int g = static_cast<int>(lane) / 4, t = static_cast<int>(lane) % 4;
            for (int mt = 0; mt < kMTiles; ++mt) {
              for (int nb = 0; nb < kNB; ++nb) {
                for (int e = 0; e < 4; ++e) {
                  const int row = q0 + warp_row + mt * 16 + g + (e / 2) * 8;
                  const int key = k0 + nb * 8 + 2 * t + e % 2;
                  float& x = s[static_cast<std::size_t>(mt)][static_cast<std::size_t>(nb)][lane]
                              [static_cast<std::size_t>(e)];
                  if (tile_needs_mask(q0, k0, p.sq, p.sk, p.causal, kBN) &&
                      !key_visible(row, key, p.sq, p.sk, p.causal)) {
                    x = -INFINITY;
                  }
                }
              }
            }
          }
          // Online softmax per row half; the quad (lanes 4g..4g+3) shares one row.
          for (std::size_t mt = 0; mt < kMTiles; ++mt) {
            for (int hr = 0; hr < 2; ++hr) {
              for (int g = 0; g < 8; ++g) {
                float mx =
                    row_max[mt][static_cast<std::size_t>(4 * g)][static_cast<std::size_t>(hr)];
                for (int t = 0; t < 4; ++t) {
                  for (std::size_t nb = 0; nb < kNB; ++nb) {
                    const auto& x = s[mt][nb][static_cast<std::size_t>(4 * g + t)];
                    mx = std::max(mx, std::max(x[static_cast<std::size_t>(2 * hr)],
                                               x[static_cast<std::size_t>(2 * hr + 1)]));
                  }
                }
                const float m_scaled = mx == -INFINITY ? 0.f : mx * scale_log2;
                for (int t = 0; t < 4; ++t) {
                  const auto lane = static_cast<std::size_t>(4 * g + t);
                  const auto hru = static_cast<std::size_t>(hr);
                  const float corr = std::exp2(row_max[mt][lane][hru] * scale_log2 - m_scaled);
                  row_max[mt][lane][hru] = mx;
                  float sum = 0;
                  for (std::size_t nb = 0; nb < kNB; ++nb) {
                    for (int e = 2 * hr; e < 2 * hr + 2; ++e) {
                      float& x = s[mt][nb][lane][static_cast<std::size_t>(e)];
                      x = std::exp2(std::fma(x, scale_log2, -m_scaled));
                      sum += x;
                    }
                  }
                  row_sum[mt][lane][hru] = row_sum[mt][lane][hru] * corr + sum;
                  for (std::size_t db = 0; db < kDB; ++db) {
                    acc[mt][db][lane][2 * hru] *= corr;
                    acc[mt][db][lane][2 * hru + 1] *= corr;
                  }
                }
              }
            }
          }
          for (int kk = 0; kk < kBN / 16; ++kk) {
            std::vector<std::array<std::array<Reg, 4>, 32>> pf(kMTiles);
            for (std::size_t mt = 0; mt < kMTiles; ++mt) {
              for (std::size_t l = 0; l < 32; ++l) {
                const auto& s0 = s[mt][static_cast<std::size_t>(2 * kk)][l];
                const auto& s1 = s[mt][static_cast<std::size_t>(2 * kk + 1)][l];
                pf[mt][l] = {Reg{s0[0], s0[1]}, Reg{s0[2], s0[3]}, Reg{s1[0], s1[1]},
                             Reg{s1[2], s1[3]}};
              }
            }
            for (int db2 = 0; db2 < kDB / 2; ++db2) {
              std::array<unsigned, 32> off{};
              for (std::size_t l = 0; l < 32; ++l) {
                off[l] = static_cast<unsigned>(kk * 16 * D * 2) + step_offset(v_lane[l], db2);
              }
              const Warp4 r = ldmatrix_x4(sv, off, true);
              std::array<std::array<Reg, 2>, 32> b0{}, b1{};
              for (std::size_t l = 0; l < 32; ++l) {
                b0[l] = {r[l][0], r[l][1]};
                b1[l] = {r[l][2], r[l][3]};
              }
              for (std::size_t mt = 0; mt < kMTiles; ++mt) {
                mma_16816(acc[mt][static_cast<std::size_t>(2 * db2)], pf[mt], b0);
                mma_16816(acc[mt][static_cast<std::size_t>(2 * db2 + 1)], pf[mt], b1);
              }
            }
          }
        }
        // Epilogue: the quad's partial sums, rows past Sq not stored.
        for (std::size_t mt = 0; mt < kMTiles; ++mt) {
          for (std::size_t lane = 0; lane < 32; ++lane) {
            const int g = static_cast<int>(lane) / 4, t = static_cast<int>(lane) % 4;
            for (std::size_t hr = 0; hr < 2; ++hr) {
              float total = 0;
              for (int u = 0; u < 4; ++u)
                total += row_sum[mt][static_cast<std::size_t>(4 * g + u)][hr];
              const float inv = total > 0 ? 1 / total : 0;
              const int row =
                  q0 + warp_row + static_cast<int>(mt) * 16 + g + static_cast<int>(hr) * 8;
              if (row >= p.sq) continue;
              for (std::size_t db = 0; db < kDB; ++db) {
                for (std::size_t e = 0; e < 2; ++e) {
                  o[q_base + static_cast<std::size_t>(row * D) + db * 8 +
                    static_cast<std::size_t>(2 * t) + e] = acc[mt][db][lane][2 * hr + e] * inv;
                }
              }
            }
          }
        }
      }
    }
  }
  return o;
}

template <int D>
void expect_replay_matches_reference(const Problem& p) {
  std::vector<float> q(static_cast<std::size_t>(p.hq * p.sq * D));
  std::vector<float> k(static_cast<std::size_t>(p.hkv * p.sk * D)), v(k.size());
  std::uint32_t state = 12345;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / static_cast<float>(1 << 24) * 2.f - 1.f;
  };
  for (float& x : q) x = next();
  for (float& x : k) x = next();
  for (float& x : v) x = next();
  const double scale = 1.0 / std::sqrt(static_cast<double>(D));
  const std::vector<float> o =
      replay<D>(p, q, k, v, static_cast<float>(scale * 1.4426950408889634));
  double worst = 0;
  for (int h = 0; h < p.hq; ++h) {
    const int hkv = h / (p.hq / p.hkv);
    for (int i = 0; i < p.sq; ++i) {
      std::vector<double> w(static_cast<std::size_t>(p.sk), 0.0);
      double mx = -std::numeric_limits<double>::infinity(), sum = 0;
      for (int j = 0; j < p.sk; ++j) {
        if (p.causal && j > i + p.sk - p.sq) continue;
        double dot = 0;
        for (int d = 0; d < D; ++d) {
          dot += static_cast<double>(q[static_cast<std::size_t>((h * p.sq + i) * D + d)]) *
                 k[static_cast<std::size_t>((hkv * p.sk + j) * D + d)];
        }
        w[static_cast<std::size_t>(j)] = dot * scale;
        mx = std::max(mx, dot * scale);
      }
      for (int j = 0; j < p.sk; ++j) {
        const bool seen = !p.causal || j <= i + p.sk - p.sq;
        w[static_cast<std::size_t>(j)] = seen ? std::exp(w[static_cast<std::size_t>(j)] - mx) : 0;
        sum += w[static_cast<std::size_t>(j)];
      }
      for (int d = 0; d < D; ++d) {
        double ref = 0;
        for (int j = 0; j < p.sk; ++j) {
          ref += w[static_cast<std::size_t>(j)] *
                 v[static_cast<std::size_t>((hkv * p.sk + j) * D + d)];
        }
        ref /= sum;
        worst =
            std::max(worst, std::abs(ref - o[static_cast<std::size_t>((h * p.sq + i) * D + d)]));
      }
    }
  }
  EXPECT_LT(worst, 1e-4) << "D=" << D << " Hq=" << p.hq << " Hkv=" << p.hkv << " Sq=" << p.sq
                         << " Sk=" << p.sk << (p.causal ? " causal" : " full");
}

TEST(CudaFlashReplay, MatchesTheReferenceAtEveryShapeKind) {
  for (bool causal : {false, true}) {
    for (const Problem& p :
         {Problem{2, 1, 1, 1, causal}, Problem{4, 2, 7, 7, causal}, Problem{2, 2, 130, 130, causal},
          Problem{2, 1, 5, 100, causal}, Problem{1, 1, 150, 200, causal}}) {
      expect_replay_matches_reference<64>(p);
      expect_replay_matches_reference<128>(p);
    }
  }
  expect_replay_matches_reference<64>(Problem{2, 1, 140, 30, false});  // Sq > Sk
  expect_replay_matches_reference<128>(Problem{2, 1, 140, 30, false});
}

// ---- the kernel's rounding against the checker
// ---------------------------------------------------

// O as cuda:flash rounds it: fp32 scores, exp2 with the scale folded in, online softmax over K/V
// tiles of block_n(D) keys, P V with P either split in a head and a tail in the input type
// (kSplitP) or rounded once, fp32 accumulation, O rounded to the input type.
HostTensors flash_rounding(const AttentionSpec& s, const HostTensors& in, bool split_p) {
  HostTensors out = in;
  const auto d = static_cast<int>(s.head_dim), sq = static_cast<int>(s.q_len),
             sk = static_cast<int>(s.kv_len), bn = block_n(d);
  const float sl = static_cast<float>(s.softmax_scale() * 1.4426950408889634);
  const Tensor& q = in.at("Q");
  const Tensor& k = in.at("K");
  const Tensor& v = in.at("V");
  Tensor& o = out.at("O");
  auto at = [&](const Tensor& t, std::int64_t head, int row, int e, int len) {
    return load_as_float(t.data(), t.dtype, static_cast<std::size_t>((head * len + row) * d + e));
  };
  for (std::int64_t h = 0; h < s.q_heads; ++h) {
    const std::int64_t hk = h / (s.q_heads / s.kv_heads);
    for (int i = 0; i < sq; ++i) {
      std::vector<float> acc(static_cast<std::size_t>(d), 0.f), p(static_cast<std::size_t>(bn));
      float m = -INFINITY, l = 0;
      const int n = s.causal ? i + sk - sq + 1 : sk;
      for (int k0 = 0; k0 < n; k0 += bn) {
        const int nt = std::min(bn, n - k0);
        float mx = m;
        for (int j = 0; j < nt; ++j) {
          float dot = 0;
          for (int e = 0; e < d; ++e) dot += at(q, h, i, e, sq) * at(k, hk, k0 + j, e, sk);
          p[static_cast<std::size_t>(j)] = dot;
          mx = std::max(mx, dot);
        }
        const float correction = mx > m ? std::exp2(m * sl - mx * sl) : 1.f;
        m = mx;
        float sum = 0;
        for (int j = 0; j < nt; ++j) {
          float& x = p[static_cast<std::size_t>(j)];
          x = std::exp2(std::fma(x, sl, -mx * sl));
          sum += x;
        }
        l = l * correction + sum;
        for (float& a : acc) a *= correction;
        for (int j = 0; j < nt; ++j) {
          const float x = p[static_cast<std::size_t>(j)];
          const float head = round_to(s.dtype, x), tail = round_to(s.dtype, x - head);
          for (int e = 0; e < d; ++e) {
            const float ve = at(v, hk, k0 + j, e, sk);
            acc[static_cast<std::size_t>(e)] += head * ve;
            if (split_p) acc[static_cast<std::size_t>(e)] += tail * ve;
          }
        }
      }
      for (int e = 0; e < d; ++e) {
        store_from_float(o.data(), o.dtype, static_cast<std::size_t>((h * sq + i) * d + e),
                         acc[static_cast<std::size_t>(e)] / l);
      }
    }
  }
  return out;
}

// The checker's bound models P rounded once to the input type (FlashAttention-2's way, which the
// kernel uses): both that and the split P pass.
TEST(CudaFlashRounding, SingleAndSplitRoundingOfPBothPassTheChecker) {
  EXPECT_FALSE(kSplitP);
  for (DType t : {DType::bf16, DType::fp16}) {
    for (bool causal : {false, true}) {
      for (std::int64_t d : {64, 128}) {
        AttentionSpec s;
        s.q_heads = 2, s.kv_heads = 1, s.q_len = 200, s.kv_len = 260, s.head_dim = d;
        s.dtype = t, s.causal = causal;
        const HostTensors in = make_attention_tensors(s, 13);
        const CheckResult split = check_attention(s, in, flash_rounding(s, in, true));
        EXPECT_TRUE(split.passed) << dtype_name(t) << " D=" << d << " causal=" << causal
                                  << " wrong=" << split.wrong_count;
        const CheckResult single = check_attention(s, in, flash_rounding(s, in, false));
        EXPECT_TRUE(single.passed) << dtype_name(t) << " D=" << d << " causal=" << causal
                                   << " wrong=" << single.wrong_count;
      }
    }
  }
}

}  // namespace
}  // namespace aicert::cuda
