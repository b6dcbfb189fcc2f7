// Block sizes from cache sizes (the analytical rule of BLIS, rounded to tile multiples).
#include "kernels/cpu/blocking.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace aicert::cpu {

std::string BlockSizes::to_string() const {
  return "MC=" + std::to_string(mc) + " KC=" + std::to_string(kc) + " NC=" + std::to_string(nc) +
         " KB=" + std::to_string(kb);
}

BlockSizes choose_block_sizes(const CacheSizes& caches, const MicroKernel& kernel) {
  constexpr std::int64_t kFloat = sizeof(float);
  const std::int64_t mr = kernel.mr, nr = kernel.nr;
  const auto l1 = static_cast<std::int64_t>(caches.l1d);
  const auto l2 = static_cast<std::int64_t>(caches.l2);
  const auto l3 = static_cast<std::int64_t>(caches.l3);
  BlockSizes b;
  if (kernel.format == PanelFormat::bf16_amx) {
    // Tile loads from L2 keep TDPBF16PS fed, so both panels live in L2 and KC is as deep as
    // L2 allows: each pass over K ends in a 32x32 tile of C stored, read and written back, and
    // a deep KC makes those passes few. B micro-panel (KC x NR bf16) 1/16 of L2, A block half.
    // Measured on Sapphire Rapids (2 MiB L2): KC 2048 / MC 256 ran 1.2-1.4x the L1 rule below.
    constexpr std::int64_t kBf16 = 2;
    b.kc = std::clamp<std::int64_t>(l2 / 16 / (nr * kBf16) / 32 * 32, 256, 4096);
    b.mc = std::clamp<std::int64_t>(l2 / 2 / (b.kc * kBf16) / mr * mr, mr, 4096 / mr * mr);
  } else {
    b.kc = std::clamp<std::int64_t>(l1 * 3 / 4 / (nr * kFloat) / 16 * 16, 64, 1024);
    b.mc = std::clamp<std::int64_t>(l2 / 2 / (b.kc * kFloat) / mr * mr, mr, 4096 / mr * mr);
  }
  b.nc = 4096 / nr * nr;
  b.kb = std::max<std::int64_t>(b.kc, l3 / 2 / (b.nc * kFloat) / b.kc * b.kc);
  return b;
}

BlockSizes fit_to_tile(BlockSizes b, int mr, int nr, int k_block) {
  b.mc = std::max<std::int64_t>(mr, b.mc / mr * mr);
  b.nc = std::max<std::int64_t>(nr, b.nc / nr * nr);
  b.kc = std::max<std::int64_t>(k_block, (b.kc + k_block - 1) / k_block * k_block);
  b.kb = std::max<std::int64_t>(b.kc, b.kb / b.kc * b.kc);
  return b;
}

std::optional<BlockSizes> parse_block_sizes(std::string_view text, std::string* error) {
  std::int64_t values[4] = {0, 0, 0, 0};
  const char* p = text.data();
  const char* end = text.data() + text.size();
  int count = 0;
  bool ok = true;
  while (ok && count < 4) {
    const auto [next, ec] = std::from_chars(p, end, values[count]);
    ok = ec == std::errc() && values[count] > 0 && values[count] <= (1 << 20);
    ++count;
    if (!ok || next == end) {
      p = next;
      break;
    }
    ok = *next == ',';
    p = next + 1;
  }
  if (!ok || p != end || count < 3) {
    if (error) {
      *error = std::string(kBlockingOverrideEnv) + "='" + std::string(text) +
               "' is not MC,KC,NC or MC,KC,NC,KB (positive integers up to 1048576)";
    }
    return std::nullopt;
  }
  return BlockSizes{values[0], values[1], values[2], count == 4 ? values[3] : values[1]};
}

std::optional<BlockSizes> block_sizes_for(const CacheSizes& caches, const MicroKernel& kernel,
                                          std::string* why_not) {
  if (const char* text = std::getenv(kBlockingOverrideEnv)) {
    const auto parsed = parse_block_sizes(text, why_not);
    if (!parsed) return std::nullopt;
    return fit_to_tile(*parsed, kernel.mr, kernel.nr, kernel.k_block);
  }
  return fit_to_tile(choose_block_sizes(caches, kernel), kernel.mr, kernel.nr, kernel.k_block);
}

}  // namespace aicert::cpu
