// Flash-style attention forward on the CPU: tiles of queries against tiles of keys with an
// online softmax (running max and sum per query), so no Sq x Sk matrix is ever formed.
//
// Both products run on the GEMM micro-kernel (micro_kernel.h), on the transposed tile:
//   S^T (keys x queries) = K_tile . (scale*log2(e) * Q_tile)^T   A = K panel (MR keys, kc = D),
//                                                                 B = Q panel (NR queries)
//   O^T (D x queries)   += V_tile^T . P^T                         A = V panel (MR dims, kc = keys),
//                                                                 B = P^T panel (NR queries)
// The S^T tile the first product writes (ldc = NR) is exactly the packed B panel the second one
// reads, and the softmax between them runs down its columns (softmax_step.h). With the AMX
// kernel (bf16 inputs) the panels are in its bf16 formats instead: K, V and Q packed from bf16
// without widening, the scale applied as the first product's alpha, and P^T rounded to bf16
// pairs between softmax and the second product (as every 16-bit flash kernel does). K and V are packed
// once per run and key/value head. The query heads of a group share their key/value head, so
// their rows form one sequence of (Hq/Hkv)*Sq rows per key/value head, tiled together: decoding
// (Sq = 1) with grouped-query heads fills the NR-wide tiles with the group's heads. Work items
// are (batch, key/value head, row tile), the heaviest (causal: last) tiles first.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/micro_kernel.h"
#include "kernels/cpu/softmax_step.h"
#include "kernels/cpu/thread_pool.h"
#include "workloads/attention_spec.h"

namespace aicert::cpu {

class FlashAttention {
 public:
  FlashAttention(const AttentionSpec& spec, const MicroKernel& micro_kernel,
                 const SoftmaxStep& softmax, std::shared_ptr<ThreadPool> pool);

  // Queries per tile and keys per tile (multiples of NR and MR).
  std::int64_t query_tile() const { return query_tile_; }
  std::int64_t key_tile() const { return key_tile_; }

  // q, k, v, o: the payloads of Q, K, V and O (dtype of the spec, row-major [B,H,S,D]).
  void run(const void* q, const void* k, const void* v, void* o);

 private:
  struct Scratch {
    AlignedBuffer q_panels;    // groups x D x NR (fp32, or bf16 pairs for the AMX kernel)
    AlignedBuffer p_tiles;     // groups x key_tile x NR
    AlignedBuffer p_pairs;     // bf16 tiles: one P^T tile in bf16 pairs, key_tile / 2 x NR
    AlignedBuffer o_tiles;     // groups x d_pad x NR
    AlignedBuffer stats;       // m, l, key limits: 3 x query_tile
    AlignedBuffer group_keys;  // keys each query group sees
  };

  // Item 2h packs K of key/value head h, item 2h+1 its V.
  void pack_kv(std::int64_t item, const void* k, const void* v);
  void attend(std::int64_t item, int thread, const void* q, void* o);

  AttentionSpec spec_;
  MicroKernel mk_;
  SoftmaxStep softmax_;
  std::shared_ptr<ThreadPool> pool_;
  std::int64_t mr_, nr_;
  std::int64_t rows_;    // query rows per key/value head: (Hq / Hkv) * Sq
  std::int64_t groups_;  // NR-row groups per query tile
  std::int64_t query_tile_, key_tile_;
  std::int64_t q_tiles_;          // query tiles per key/value head
  std::int64_t sk_pad_;           // Sk rounded up to MR
  std::int64_t d_pad_;            // D rounded up to MR
  bool bf16_tiles_ = false;       // the AMX kernel: panels in its bf16 formats
  std::int64_t d_panel_words_;    // one K or Q panel (D deep)
  std::int64_t v_panel_words_;    // one V panel (sk_pad deep)
  std::int64_t q_panel_words_;    // one Q panel (D deep, NR wide)
  // In the kernel's panel format (fp32, or the AMX kernel's bf16 tile rows):
  AlignedBuffer k_packed_;        // per KV head: sk_pad/MR panels of D x MR
  AlignedBuffer v_packed_;        // per KV head: d_pad/MR panels of sk_pad x MR
  std::vector<Scratch> scratch_;  // one per pool thread
};

}  // namespace aicert::cpu
