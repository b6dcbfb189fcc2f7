// Cache blocking of the BLIS-style GEMM: how much of A, B and K to hold in each cache level.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kernels/cpu/host_cpu.h"
#include "kernels/cpu/micro_kernel.h"

namespace aicert::cpu {

struct BlockSizes {
  std::int64_t mc = 0;  // rows of a packed A block (kept in L2), a multiple of MR
  std::int64_t kc = 0;  // depth of the packed panels (a KC x NR micro-panel of B sits in L1)
  std::int64_t nc = 0;  // columns of the shared packed B panel, a multiple of NR
  // Depth of the shared packed B panel (in L3), a multiple of KC: the team packs KB x NC of B
  // at once and synchronizes once per KB rather than once per KC. When N < NC the panel is
  // deepened to keep its size, KB * NC floats.
  std::int64_t kb = 0;

  std::string to_string() const;  // "MC=168 KC=384 NC=4096 KB=1024"
};

// From the cache sizes and the kernel's micro-tile MR x NR:
//   KC: a KC x NR micro-panel of B fills about 3/4 of L1 (it is reused for every MR-row strip
//       while the A micro-panels stream through from L2; measured on Zen 3: 3/4 of L1 runs
//       ~5% faster than the textbook 1/2, through fewer passes over C),
//   MC: the MC x KC block of A fills about half of L2,
//   NC x KB: the shared B panel fills about half of L3 (NC capped at 4096 columns).
// The AMX kernel streams both panels from L2 instead, with a deep KC (see blocking.cpp).
BlockSizes choose_block_sizes(const CacheSizes& caches, const MicroKernel& kernel);

// Rounds MC down to a multiple of MR, NC to one of NR, KC up to one of the kernel's K step
// k_block and KB down to one of KC (at least one each).
BlockSizes fit_to_tile(BlockSizes blocks, int mr, int nr, int k_block = 1);

// Environment variable that overrides the block sizes, "MC,KC,NC" or "MC,KC,NC,KB" (KB defaults
// to KC): for tuning on a new CPU, and for tests that drive every loop of the driver with small
// shapes.
inline constexpr const char* kBlockingOverrideEnv = "AICERT_CPU_GEMM_BLOCKING";

// Parses "MC,KC,NC[,KB]" (positive integers); nullopt with the reason in *error otherwise.
std::optional<BlockSizes> parse_block_sizes(std::string_view text, std::string* error);

// The override from the environment if set, else choose_block_sizes(), fit to the tile. Null
// with the reason in *why_not when the override does not parse.
std::optional<BlockSizes> block_sizes_for(const CacheSizes& caches, const MicroKernel& kernel,
                                          std::string* why_not);

}  // namespace aicert::cpu
