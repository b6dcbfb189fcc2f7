// Tiling and index math of the CUDA flash-attention kernel (flash_attention.cu), host- and
// device-callable so that a CPU test can check the swizzle, the masking rule and the KV-tile
// count without a GPU: one CTA of 4 warps per (query tile, head, batch), each warp owning
// kMTiles x 16 query rows; K/V tiles of block_n(D) keys; shared-memory rows of D elements split in
// 16-byte chunks, XOR-swizzled with the row's low 3 bits.
#pragma once

#if defined(__CUDACC__)
#define AICERT_FLASH_HD __host__ __device__ __forceinline__
#else
#define AICERT_FLASH_HD inline
#endif

namespace aicert::cuda::flash {

inline constexpr int kWarps = 4, kThreads = 32 * kWarps;
inline constexpr int kMTiles = 2;  // 16-row mma tiles per warp: 128 query rows per CTA
inline constexpr int kBlockM = kWarps * 16 * kMTiles;
inline constexpr int kStages = 4;  // K/V tiles in shared memory: 3 loading while 1 is used

// P V with P rounded once to the input type, as FlashAttention-2 does (false), or split in a head
// and a tail in the input type, two mma.sync each (true: about fp32 P, 1.5x the tensor work).
// check_attention's bound models P in the input type (attention_workload.h), so the single
// rounding certifies; cuda_flash_internal_test checks both against it.
inline constexpr bool kSplitP = false;

// Keys per K/V tile: 64 at D = 64; 32 at D = 128, where the scores of a larger tile do not fit
// in the 255 registers beside a warp's 2 x 16 x 128 fp32 output rows (ptxas: 208-231 registers,
// no spills, at 32).
constexpr int block_n(int head_dim) { return head_dim <= 64 ? 64 : 32; }

// Shared memory of one CTA at head dim D: the Q tile and kStages stages of K and V tiles (80 KiB
// at D = 64, 96 KiB at D = 128: two CTAs per SM on H100; on A100 two at D = 64, one at 128).
constexpr int smem_bytes(int head_dim) {
  return (kBlockM + 2 * kStages * block_n(head_dim)) * head_dim * 2;
}

// Element offset of chunk `chunk` (8 elements) of row `row` in a tile of rows of CHUNKS chunks
// (8 or 16: D = 64 or 128). The 8 consecutive rows one ldmatrix phase reads land on 8 distinct
// 16-byte bank groups.
template <int CHUNKS>
AICERT_FLASH_HD int swizzled_offset(int row, int chunk) {
  static_assert(CHUNKS % 8 == 0, "rows of at least 128 bytes");
  return row * CHUNKS * 8 + ((chunk ^ (row & 7)) << 3);
}

// Byte offsets, within a tile of rows of CHUNKS chunks, of the 16-byte row that `lane` hands to
// ldmatrix.x4 at step 0; step s reads chunk 2s + c of the same row, whose offset is
// step_offset(lane offset, s): the swizzle XORs the chunk with row & 7 and 2s has bit 0 clear,
// so the step is one XOR of bits 5.. (chunk bits start at byte bit 4).
//  Q (A operand of S = Q K^T, k step s = d 16s..16s+15): matrices rows 0-7 / 8-15 of the m16
//    tile starting at row m_base x d chunk 2s, then the same rows x chunk 2s+1 (a0..a3).
//  K (B operand, non-transposed: rows are keys = n): keys 0-7 x chunks 2s, 2s+1 (b0, b1 of the
//    first n8 block), keys 8-15 x the same (b0, b1 of the second); add 16 keys per block pair.
//  V (B operand of O += P V, .trans: rows are keys = k): keys 0-7, 8-15 x d chunk 2s (b0, b1 of
//    d block 2s), then x chunk 2s+1 (d block 2s+1); add 16 keys per k step of P V.
template <int CHUNKS>
AICERT_FLASH_HD unsigned q_lane_offset(int m_base, int lane) {
  return 2u * static_cast<unsigned>(swizzled_offset<CHUNKS>(m_base + lane % 16, lane / 16));
}
template <int CHUNKS>
AICERT_FLASH_HD unsigned k_lane_offset(int lane) {
  return 2u *
         static_cast<unsigned>(swizzled_offset<CHUNKS>((lane / 16) * 8 + lane % 8, (lane / 8) % 2));
}
template <int CHUNKS>
AICERT_FLASH_HD unsigned v_lane_offset(int lane) {
  return 2u *
         static_cast<unsigned>(swizzled_offset<CHUNKS>(((lane / 8) % 2) * 8 + lane % 8, lane / 16));
}
AICERT_FLASH_HD unsigned step_offset(unsigned lane_offset, int step) {
  return lane_offset ^ (static_cast<unsigned>(step) << 5);
}

// Whether query `row` sees key `key` (bottom-right aligned causal mask, keys past Sk hidden).
AICERT_FLASH_HD bool key_visible(int row, int key, int q_len, int kv_len, bool causal) {
  return key < kv_len && (!causal || key <= row + (kv_len - q_len));
}

// K/V tiles the query tile starting at row q0 has to visit: all of them, or with a causal mask
// those up to the last key its last valid row sees (fully masked tiles are skipped).
AICERT_FLASH_HD int kv_tiles(int q0, int q_len, int kv_len, bool causal, int block_n) {
  int last_key = kv_len - 1;
  if (causal) {
    const int last_row = (q0 + kBlockM < q_len ? q0 + kBlockM : q_len) - 1;
    const int seen = last_row + (kv_len - q_len);
    if (seen < last_key) last_key = seen;
  }
  return last_key / block_n + 1;
}

// Whether a K/V tile starting at key k0 needs the mask for the query tile starting at q0: it
// holds keys past Sk, or (causal) keys that the tile's first row does not see.
AICERT_FLASH_HD bool tile_needs_mask(int q0, int k0, int q_len, int kv_len, bool causal,
                                     int block_n) {
  return k0 + block_n > kv_len || (causal && k0 + block_n - 1 > q0 + (kv_len - q_len));
}

}  // namespace aicert::cuda::flash
