// bf16 matrix peak loop on AMX (built with -mamx-tile -mamx-bf16; called only after
// amx_permitted()): a block's 1024 lanes are four 16x16 fp32 accumulator tiles, each step one
// TDPBF16PS per tile with the same A tile (every row A[0..31]) and a B tile of +1 (or -1) in
// VNNI pairs, so each lane gains sum(A) * (+-1): 16 x 16 x 32 multiply-adds per instruction.
// Nominal: 1024 FLOP per core and cycle (Intel: TMUL does 512 bf16 multiply-adds a cycle;
// TDPBF16PS issues every 16 cycles).
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/cpu/peak_loops.h"

namespace aicert::cpu {
namespace {

constexpr int kTileLanes = 256;  // 16 x 16 fp32

// Palette 1, tiles 0-6 of 16 rows x 64 bytes (Intel SDM, LDTILECFG).
struct alignas(64) TileConfig {
  std::uint8_t palette = 1;
  std::uint8_t start_row = 0;
  std::uint8_t reserved[14] = {};
  std::uint16_t bytes_per_row[16] = {64, 64, 64, 64, 64, 64, 64};
  std::uint8_t rows[16] = {16, 16, 16, 16, 16, 16, 16};
};
const TileConfig kConfig{};

void amx_begin() { _tile_loadconfig(&kConfig); }
void amx_end() { _tile_release(); }

volatile std::uint16_t g_plus_one = 0x3f80;  // bf16 1.0, see peak_loop_avx512.cpp

void amx_bf16_block(const float* x, float* y, std::int64_t steps, const void* a_values) {
  // Tile 4: A, 16 rows of the 32 values; tiles 5 and 6: B = +1 and -1, 16 pair rows x 16.
  alignas(64) std::uint16_t a[16][32];
  alignas(64) std::uint16_t plus[16][32];
  alignas(64) std::uint16_t minus[16][32];
  const std::uint16_t one = g_plus_one;
  for (int r = 0; r < 16; ++r) {
    std::memcpy(a[r], a_values, sizeof a[r]);
    for (int c = 0; c < 32; ++c) {
      plus[r][c] = one;
      minus[r][c] = static_cast<std::uint16_t>(one | 0x8000u);
    }
  }
  _tile_loadd(4, a, 64);
  _tile_loadd(5, plus, 64);
  _tile_loadd(6, minus, 64);
  _tile_loadd(0, x + 0 * kTileLanes, 64);
  _tile_loadd(1, x + 1 * kTileLanes, 64);
  _tile_loadd(2, x + 2 * kTileLanes, 64);
  _tile_loadd(3, x + 3 * kTileLanes, 64);
  _tile_dpbf16ps(0, 4, 5);
  _tile_dpbf16ps(1, 4, 5);
  _tile_dpbf16ps(2, 4, 5);
  _tile_dpbf16ps(3, 4, 5);
  for (std::int64_t s = 1; s < steps; s += 2) {
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 6);
    _tile_dpbf16ps(2, 4, 6);
    _tile_dpbf16ps(3, 4, 6);
    _tile_dpbf16ps(0, 4, 5);
    _tile_dpbf16ps(1, 4, 5);
    _tile_dpbf16ps(2, 4, 5);
    _tile_dpbf16ps(3, 4, 5);
  }
  _tile_stored(0, y + 0 * kTileLanes, 64);
  _tile_stored(1, y + 1 * kTileLanes, 64);
  _tile_stored(2, y + 2 * kTileLanes, 64);
  _tile_stored(3, y + 3 * kTileLanes, 64);
}

}  // namespace

const PeakLoop& amx_bf16_peak_loop() {
  static constexpr PeakLoop kLoop{"amx_bf16", PeakUnit::matrix, DType::bf16, &amx_bf16_block,
                                  &amx_begin, &amx_end, 1024,
                                  "512 bf16 multiply-adds x 2 FLOP (TMUL)"};
  return kLoop;
}

}  // namespace aicert::cpu
