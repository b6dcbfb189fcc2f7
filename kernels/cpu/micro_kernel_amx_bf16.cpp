// AMX-BF16 micro-kernel, 32x32, for bf16 inputs: four 16x16 fp32 accumulator tiles (2x2) fed
// by two A tiles (16 rows x 32 bf16 of K) and two B tiles (16 VNNI rows of 16 bf16 pairs) per 32
// steps of K, TDPBF16PS doing 16x16x32 multiply-adds each: all 8 tile registers. Panels come in
// the bf16_amx format (micro_kernel.h) with K zero-padded to 32. The tiles are stored to a
// scratch tile and C is updated by the AVX-512 epilogue shared with every other kernel. Built
// with -mavx512f -mamx-tile -mamx-bf16; called only after a runtime check and amx_permitted().
// TDPBF16PS, like vdpbf16ps, accumulates in fp32 and flushes denormal inputs and outputs.
#include <immintrin.h>

#include <cstdint>

#include "kernels/cpu/micro_kernel.h"
#include "kernels/cpu/micro_kernel_avx512_epilogue.h"
#include "kernels/cpu/micro_kernel_body.h"

namespace aicert::cpu {
namespace {

constexpr int kMr = 32;
constexpr int kNr = 32;
constexpr int kPairsPerBlock = 16;  // one tile row: 64 bytes = 16 bf16 pairs
constexpr int kBlockWords = kPairsPerBlock * kMr;  // one K block of an A (or B) panel

// The tile configuration (Intel SDM, LDTILECFG): palette 1, tiles 0-7 all 16 rows x 64 bytes.
struct alignas(64) TileConfig {
  std::uint8_t palette = 1;
  std::uint8_t start_row = 0;
  std::uint8_t reserved[14] = {};
  std::uint16_t bytes_per_row[16] = {64, 64, 64, 64, 64, 64, 64, 64};
  std::uint8_t rows[16] = {16, 16, 16, 16, 16, 16, 16, 16};
};
const TileConfig kConfig{};

void amx_begin() { _tile_loadconfig(&kConfig); }
void amx_end() { _tile_release(); }

void amx_bf16_32x32(std::int64_t kc, const float* a_words, const float* b_words, float* c,
                    std::int64_t ldc, float alpha, float beta) {
  const auto* a = reinterpret_cast<const std::uint32_t*>(a_words);
  const auto* b = reinterpret_cast<const std::uint32_t*>(b_words);
#pragma GCC unroll 32
  for (int i = 0; i < kMr; ++i) __builtin_prefetch(c + i * ldc, 1, 3);
  // Tiles: 0-3 C (rows 0-15 | 16-31) x (columns 0-15 | 16-31), 4-5 A, 6-7 B.
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  const std::int64_t blocks = (kc + 2 * kPairsPerBlock - 1) / (2 * kPairsPerBlock);
  for (std::int64_t blk = 0; blk < blocks; ++blk) {
    _tile_loadd(4, a, 64);                                     // A rows 0-15
    _tile_loadd(5, a + 16 * kPairsPerBlock, 64);               // A rows 16-31
    _tile_loadd(6, b, kNr * 4);                                // B columns 0-15
    _tile_loadd(7, b + 16, kNr * 4);                           // B columns 16-31
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
    a += kBlockWords;
    b += kBlockWords;
  }
  __m512 acc[kMr][kNr / 16];
  auto* t = reinterpret_cast<float*>(acc);
  _tile_stored(0, t, kNr * 4);
  _tile_stored(1, t + 16, kNr * 4);
  _tile_stored(2, t + 16 * kNr, kNr * 4);
  _tile_stored(3, t + 16 * kNr + 16, kNr * 4);
  micro_kernel_store<Avx512Epilogue, kMr, kNr / 16>(acc, c, ldc, alpha, beta);
}

}  // namespace

const MicroKernel& amx_bf16_micro_kernel() {
  static constexpr MicroKernel kKernel{"amx_bf16", kMr, kNr, &amx_bf16_32x32,
                                       PanelFormat::bf16_amx, 2 * kPairsPerBlock, &amx_begin,
                                       &amx_end};
  return kKernel;
}

}  // namespace aicert::cpu
