// Blocked GEMM driver: plan, packing, work items and edge tiles.
#include "kernels/cpu/blocked_gemm.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "kernels/cpu/gemm_operands.h"

namespace aicert::cpu {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
std::int64_t round_up(std::int64_t a, std::int64_t b) { return ceil_div(a, b) * b; }

// Part i of `parts` near-equal contiguous parts of [0, count).
std::pair<std::int64_t, std::int64_t> split(std::int64_t count, std::int64_t parts,
                                            std::int64_t i) {
  return {count * i / parts, count * (i + 1) / parts};
}

// Below this many multiply-adds per thread, waking another thread costs more than it saves.
constexpr std::int64_t kMinWorkPerThread = 64 * 64 * 64;
// B micro-panels packed by one item (an item should be worth handing out: a few microseconds).
constexpr std::int64_t kPanelsPerPackItem = 4;
// Rows of C per item when C is only scaled (K = 0 or alpha = 0).
constexpr std::int64_t kScaleRowsPerItem = 64;

}  // namespace

BlockedGemm::Plan BlockedGemm::plan(const GemmProblem& p, int team) const {
  const int mr = kernel_.mr;
  const int nr = kernel_.nr;
  Plan pl;
  // A multiple of the kernel's K step, so that each sub-panel has room for its padding.
  pl.kc = std::min(blocks_.kc, round_up(std::max<std::int64_t>(1, p.k), kernel_.k_block));
  pl.nc = std::min(blocks_.nc, round_up(p.n, nr));
  // Same panel size when fewer columns: deeper panel, fewer waits.
  const std::int64_t kb = blocks_.kb * blocks_.nc / pl.nc;
  pl.kb = std::clamp(kb / pl.kc * pl.kc, pl.kc, round_up(std::max<std::int64_t>(1, p.k), pl.kc));
  // Row blocks of at most MC rows, their count a multiple of the team where rows allow, so that
  // equally fast threads finish together.
  const std::int64_t row_tiles = ceil_div(p.m, mr);
  const std::int64_t blocks = std::min(row_tiles, round_up(ceil_div(p.m, blocks_.mc), team));
  pl.mc = round_up(ceil_div(p.m, blocks), mr);
  pl.row_units = ceil_div(p.m, pl.mc);
  // Too few row blocks for the team: cut the columns too.
  pl.col_units = std::min(ceil_div(pl.nc, nr), ceil_div(team, pl.row_units));
  return pl;
}

BlockedGemm::BlockedGemm(const MicroKernel& kernel, const BlockSizes& blocks,
                         std::shared_ptr<ThreadPool> pool)
    : kernel_(kernel),
      blocks_(fit_to_tile(blocks, kernel.mr, kernel.nr, kernel.k_block)),
      pool_(std::move(pool)) {
  packed_a_.resize(static_cast<std::size_t>(pool_->size()));
}

void BlockedGemm::reserve(std::int64_t m, std::int64_t n, std::int64_t k) {
  if (m <= reserved_m_ && n <= reserved_n_ && k <= reserved_k_) return;
  reserved_m_ = std::max(m, reserved_m_);
  reserved_n_ = std::max(n, reserved_n_);
  reserved_k_ = std::max(k, reserved_k_);
  // Upper bounds of what plan() gives for any problem within the reserved sizes and any team:
  // the B panel never exceeds KB x NC floats nor the whole (K rounded to KC) x N of B, and an
  // A block never exceeds MC x KC floats nor the whole of A's rows.
  const std::int64_t kc =
      std::min(blocks_.kc, round_up(std::max<std::int64_t>(1, reserved_k_), kernel_.k_block));
  const std::int64_t b_floats = std::min(
      blocks_.kb * blocks_.nc, round_up(std::max<std::int64_t>(1, reserved_k_), kc) *
                                   std::min(blocks_.nc, round_up(reserved_n_, kernel_.nr)));
  const std::int64_t a_floats = kc * std::min(blocks_.mc, round_up(reserved_m_, kernel_.mr));
  packed_b_.resize(static_cast<std::size_t>(b_floats) * sizeof(float));
  for (auto& a : packed_a_) a.resize(static_cast<std::size_t>(a_floats) * sizeof(float));
}

void BlockedGemm::scale_c(const GemmProblem& p) {
  if (p.beta == 1.0f && p.narrow_to == nullptr) return;
  auto rows = [&](std::int64_t item, int /*thread*/) {
    const std::int64_t begin = item * kScaleRowsPerItem;
    const std::int64_t end = std::min(p.m, begin + kScaleRowsPerItem);
    for (std::int64_t i = begin; i < end; ++i) {
      float* row = p.c + i * p.ldc;
      if (p.beta == 0.0f) {
        std::fill(row, row + p.n, 0.0f);  // not 0*C: a NaN in C must not survive
      } else if (p.beta != 1.0f) {
        for (std::int64_t j = 0; j < p.n; ++j) row[j] *= p.beta;
      }
    }
    if (p.narrow_to != nullptr) narrow_block(p, begin, end - begin, 0, p.n);
  };
  const int team = p.m * p.n >= (1 << 18) ? pool_->size() : 1;
  pool_->run(ceil_div(p.m, kScaleRowsPerItem), team, rows);
}

void BlockedGemm::narrow_block(const GemmProblem& p, std::int64_t row0, std::int64_t rows,
                               std::int64_t col0, std::int64_t cols) {
  for (std::int64_t i = row0; i < row0 + rows; ++i) {
    narrow_span(p.c + i * p.ldc + col0, p.narrow_dtype, p.narrow_to,
                static_cast<std::size_t>(i * p.ldc + col0), static_cast<std::size_t>(cols));
  }
}

void BlockedGemm::edge_tile(std::int64_t kc, const float* a, const float* b, float* c,
                            std::int64_t ldc, int rows, int cols, float alpha, float beta) const {
  alignas(64) float tile[kMaxMr * kMaxNr];
  kernel_.fn(kc, a, b, tile, kernel_.nr, 1.0f, 0.0f);
  for (int i = 0; i < rows; ++i) {
    const float* t = tile + i * kernel_.nr;
    float* row = c + i * ldc;
    if (beta == 0.0f) {
      for (int j = 0; j < cols; ++j) row[j] = alpha * t[j];
    } else {
      for (int j = 0; j < cols; ++j) row[j] = alpha * t[j] + beta * row[j];
    }
  }
}

void BlockedGemm::pack(Operand which, const PackSource& src, std::int64_t lane0, int lanes_valid,
                       std::int64_t depth0, std::int64_t kc, int width, float* dst) const {
  // A pair panel, padded, takes at most the words of an fp32 one kc rounded to k_block deep
  // (panel_words): it fits the same place in the buffers.
  auto* words = reinterpret_cast<std::uint32_t*>(dst);
  const std::int64_t pair_rows = panel_words(kernel_, kc, width) / width;
  switch (kernel_.format) {
    case PanelFormat::fp32:
      return pack_panel(src, lane0, lanes_valid, depth0, kc, width, dst);
    case PanelFormat::bf16_pairs:
      return pack_panel_bf16_pairs(src, lane0, lanes_valid, depth0, kc, width, pair_rows, words);
    case PanelFormat::bf16_amx:
      // A in tile rows; B's VNNI rows are the pair layout.
      if (which == Operand::a) {
        return pack_panel_bf16_amx_rows(src, lane0, lanes_valid, depth0, kc, width, words);
      }
      return pack_panel_bf16_pairs(src, lane0, lanes_valid, depth0, kc, width, pair_rows, words);
  }
}

void BlockedGemm::pack_b(const GemmProblem& p, const Plan& pl, const Step& st, std::int64_t item) {
  const int nr = kernel_.nr;
  const std::int64_t groups = ceil_div(st.panels, kPanelsPerPackItem);
  const std::int64_t s = item / groups;
  const std::int64_t q0 = item % groups * kPanelsPerPackItem;
  const std::int64_t q1 = std::min(st.panels, q0 + kPanelsPerPackItem);
  const std::int64_t pc = st.pk + s * pl.kc;
  const std::int64_t kc = std::min(pl.kc, p.k - pc);
  // Sub-panel s starts at s * kc_max * panels * NR; its micro-panel q at q * panel_words in it.
  float* sub_panel = packed_b_.as<float>() + s * pl.kc * st.panels * nr;
  for (std::int64_t q = q0; q < q1; ++q) {
    const int cols = static_cast<int>(std::min<std::int64_t>(nr, st.nc - q * nr));
    pack(Operand::b, p.b, st.jc + q * nr, cols, pc, kc, nr,
         sub_panel + q * panel_words(kernel_, kc, nr));
  }
}

void BlockedGemm::compute_unit(const GemmProblem& p, const Plan& pl, const Step& st,
                               std::int64_t unit, int thread) {
  const int mr = kernel_.mr;
  const int nr = kernel_.nr;
  float* const packed_a = packed_a_[static_cast<std::size_t>(thread)].as<float>();
  const std::int64_t ic = unit / pl.col_units * pl.mc;
  const std::int64_t rows = std::min(pl.mc, p.m - ic);
  const std::int64_t strips = ceil_div(rows, mr);
  const auto [q0, q1] = split(st.panels, pl.col_units, unit % pl.col_units);
  if (kernel_.begin) kernel_.begin();  // per-thread kernel state (AMX tiles), once per unit
  for (std::int64_t s = 0; s < st.sub_panels; ++s) {
    const std::int64_t pc = st.pk + s * pl.kc;
    const std::int64_t kc = std::min(pl.kc, p.k - pc);
    const float beta = pc == 0 ? p.beta : 1.0f;  // later K blocks accumulate onto C
    for (std::int64_t r = 0; r < strips; ++r) {
      const int valid = static_cast<int>(std::min<std::int64_t>(mr, rows - r * mr));
      pack(Operand::a, p.a, ic + r * mr, valid, pc, kc, mr,
           packed_a + r * panel_words(kernel_, kc, mr));
    }
    const float* sub_panel = packed_b_.as<float>() + s * pl.kc * st.panels * nr;
    for (std::int64_t q = q0; q < q1; ++q) {
      const int cols = static_cast<int>(std::min<std::int64_t>(nr, st.nc - q * nr));
      const float* b_panel = sub_panel + q * panel_words(kernel_, kc, nr);
      for (std::int64_t r = 0; r < strips; ++r) {
        const int valid = static_cast<int>(std::min<std::int64_t>(mr, rows - r * mr));
        const float* a_panel = packed_a + r * panel_words(kernel_, kc, mr);
        float* c_tile = p.c + (ic + r * mr) * p.ldc + st.jc + q * nr;
        if (valid == mr && cols == nr) {
          kernel_.fn(kc, a_panel, b_panel, c_tile, p.ldc, p.alpha, beta);
        } else {
          edge_tile(kc, a_panel, b_panel, c_tile, p.ldc, valid, cols, p.alpha, beta);
        }
      }
    }
  }
  if (kernel_.end) kernel_.end();
  // The last K of this unit's part of C: it is final, narrow it while it is in cache.
  if (p.narrow_to != nullptr && st.pk + st.sub_panels * pl.kc >= p.k) {
    const std::int64_t col_end = std::min(st.nc, q1 * nr);
    narrow_block(p, ic, rows, st.jc + q0 * nr, col_end - q0 * nr);
  }
}

void BlockedGemm::run(const GemmProblem& p) {
  if (p.m <= 0 || p.n <= 0) return;
  if (p.k == 0 || p.alpha == 0.0f) {  // BLAS: A and B are not read, C = beta * C
    scale_c(p);
    return;
  }
  reserve(p.m, p.n, p.k);
  const int team = static_cast<int>(
      std::clamp<std::int64_t>(p.m * p.n * p.k / kMinWorkPerThread, 1, pool_->size()));
  const Plan pl = plan(p, team);
  const Plan largest = plan(p, 1);  // a team of one has the largest A blocks
  if (static_cast<std::size_t>(largest.kb * largest.nc) * sizeof(float) > packed_b_.size() ||
      static_cast<std::size_t>(largest.kc * largest.mc) * sizeof(float) > packed_a_[0].size()) {
    throw std::logic_error("cpu:blocked: packing buffers smaller than the plan of " +
                           std::to_string(p.m) + "x" + std::to_string(p.n) + "x" +
                           std::to_string(p.k) + " (" + blocks_.to_string() + ")");
  }

  // The items of the run, step by step: pack this panel of B, then every unit that uses it.
  steps_.clear();
  std::int64_t items = 0;
  for (std::int64_t jc = 0; jc < p.n; jc += pl.nc) {
    for (std::int64_t pk = 0; pk < p.k; pk += pl.kb) {
      Step st;
      st.jc = jc;
      st.nc = std::min(pl.nc, p.n - jc);
      st.panels = ceil_div(st.nc, kernel_.nr);
      st.pk = pk;
      st.sub_panels = ceil_div(std::min(pl.kb, p.k - pk), pl.kc);
      st.first_item = items;
      st.compute_item = items + st.sub_panels * ceil_div(st.panels, kPanelsPerPackItem);
      st.end_item = st.compute_item + pl.row_units * pl.col_units;
      items = st.end_item;
      steps_.push_back(st);
    }
  }

  auto item = [&](std::int64_t i, int thread) {
    const Step& st =
        *std::upper_bound(steps_.begin(), steps_.end(), i,
                          [](std::int64_t value, const Step& s) { return value < s.end_item; });
    if (i < st.compute_item) {
      pool_->wait_done(st.first_item);  // the previous panel is used up
      pack_b(p, pl, st, i - st.first_item);
    } else {
      pool_->wait_done(st.compute_item);  // this panel is packed
      compute_unit(p, pl, st, i - st.compute_item, thread);
    }
  };
  pool_->run(items, team, item);
}

}  // namespace aicert::cpu
