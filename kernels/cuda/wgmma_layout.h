// Shared-memory geometry of the Hopper GEMM "cuda:wgmma", in one place for the tensor maps
// (host), the kernel (device) and a CPU check of the arithmetic (cuda_internal_test):
// block tile 128 (M) x 256 (N) x 64 (K), 4 stages of A then B, 128-byte swizzle everywhere.
// Every TMA box is 64 elements (128 bytes, one swizzle row) wide along the operand's contiguous
// dimension, so a box lands as rows of 128 bytes whose 16-byte chunks TMA permutes by
// chunk ^= (row % 8) (address bits 4-6 ^= bits 7-9; stages are 1024-byte aligned):
//  - K-major operand (A in NN/NT, B in NT): one box of 64 (K) x rows (128 for A, 256 for B);
//    row r (M or N) at r * 128 bytes;
//  - MN-major operand (A in TN, B in NN/TN): boxes of 64 (M or N) x 64 (K), one per 64-wide
//    slice of the tile, 8 KiB each, one after another; K row k of slice s at s * 8192 + k * 128.
// wgmma reads the same bytes through matrix descriptors (PTX ISA, "matrix descriptor" of
// wgmma): bits 0-13 start address >> 4, 16-29 leading-dimension byte offset (LBO) >> 4,
// 32-45 stride-dimension byte offset (SBO) >> 4, 49-51 base offset (0: 1024-byte aligned
// atoms), 62-63 swizzle mode (1 = 128-byte).
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define AICERT_WGMMA_HD __host__ __device__
#else
#define AICERT_WGMMA_HD
#endif

namespace aicert::cuda::wgmma {

inline constexpr int kBlockM = 128, kBlockN = 256, kBlockK = 64, kStages = 4;
inline constexpr int kBoxInner = 64;                         // elements along the contiguous dim
inline constexpr int kRowBytes = kBoxInner * 2;              // 128: one swizzle row
inline constexpr int kAtomBytes = 8 * kRowBytes;             // 1024: the swizzle pattern's period
inline constexpr int kSliceBytes = kBoxInner * kBlockK * 2;  // 8 KiB: one MN-major box
inline constexpr int kABytes = kBlockM * kBlockK * 2;        // 16 KiB of A per stage
inline constexpr int kBBytes = kBlockN * kBlockK * 2;        // 32 KiB of B per stage
inline constexpr int kStageBytes = kABytes + kBBytes;        // what TMA delivers per stage
inline constexpr int kConsumerRows = 64;                     // rows of M per consumer warpgroup
static_assert(kBlockK == kBoxInner, "a K-major row of a tile is one 128-byte swizzle row");
static_assert(kStageBytes % kAtomBytes == 0 && kABytes % kAtomBytes == 0, "1024-byte alignment");

// Box rows (outer box dimension) of operand A or B for its majorness.
constexpr int box_rows(bool operand_is_a, bool k_major) {
  return k_major ? (operand_is_a ? kBlockM : kBlockN) : kBlockK;
}

AICERT_WGMMA_HD constexpr std::uint64_t smem_descriptor(std::uint32_t address,
                                                        std::uint32_t leading_bytes,
                                                        std::uint32_t stride_bytes) {
  return static_cast<std::uint64_t>((address >> 4) & 0x3FFF) |
         static_cast<std::uint64_t>((leading_bytes >> 4) & 0x3FFF) << 16 |
         static_cast<std::uint64_t>((stride_bytes >> 4) & 0x3FFF) << 32 | std::uint64_t{1} << 62;
}

// Descriptor of the 16-deep K slice `ks` (0..3) of an operand block in a stage (`block`: the
// shared address where its first row or slice starts), for its majorness:
//  - K-major: a k16 step starts 32 bytes further inside the swizzled rows (the swizzle is a
//    function of the address bits, so the hardware finds the permuted chunks); SBO = 1024 from
//    one group of 8 rows (M or N) to the next; LBO unused for swizzled K-major (set to 1).
//  - MN-major: a k16 step is 16 K rows = 2048 bytes; SBO = 1024 from one group of 8 K rows to
//    the next; LBO = 8 KiB from one 64-wide M/N slice to the next (the canonical MN-major
//    128-byte-swizzle layout ((T,8,m),(8,k)):((1,T,LBO),(8T,SBO)) in 16-byte units).
AICERT_WGMMA_HD constexpr std::uint64_t descriptor_for(bool k_major, std::uint32_t block, int ks) {
  return k_major ? smem_descriptor(block + static_cast<std::uint32_t>(ks) * 32, 16, kAtomBytes)
                 : smem_descriptor(block + static_cast<std::uint32_t>(ks) * 16 * kRowBytes,
                                   kSliceBytes, kAtomBytes);
}

// Offset in a stage's A block of the 64 rows of consumer warpgroup `consumer`.
AICERT_WGMMA_HD constexpr std::uint32_t consumer_a_offset(bool a_k_major, int consumer) {
  return a_k_major ? static_cast<std::uint32_t>(consumer) * kConsumerRows * kRowBytes
                   : static_cast<std::uint32_t>(consumer) * kSliceBytes;
}

// MN-major boxes (64 wide) a tile of `tile_extent` loads when `left` rows or columns of the
// matrix remain from the tile's start: boxes wholly past the edge are not loaded (what lands
// in their shared memory only reaches outputs past the edge, which are never written).
AICERT_WGMMA_HD constexpr int mn_major_boxes(int tile_extent, int left) {
  const int needed = (left + kBoxInner - 1) / kBoxInner;
  return needed < tile_extent / kBoxInner ? needed : tile_extent / kBoxInner;
}

// Bytes the TMA copies of one stage deliver (the producer's expect_tx): a K-major operand is one
// whole box (zero-filled past the edges), an MN-major one mn_major_boxes() boxes of 8 KiB.
AICERT_WGMMA_HD constexpr std::uint32_t stage_tx_bytes(bool a_k_major, bool b_k_major, int m_left,
                                                       int n_left) {
  return static_cast<std::uint32_t>(
      (a_k_major ? kABytes : mn_major_boxes(kBlockM, m_left) * kSliceBytes) +
      (b_k_major ? kBBytes : mn_major_boxes(kBlockN, n_left) * kSliceBytes));
}

}  // namespace aicert::cuda::wgmma
