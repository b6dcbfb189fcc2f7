// Flash attention driver: packing of K, V and Q tiles, the key-tile loop, threads.
#include "kernels/cpu/flash_attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "kernels/cpu/fp16_bits.h"
#include "kernels/cpu/gemm_packing.h"

namespace aicert::cpu {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Keys per tile: about 128 (the S^T and P^T tiles of a group stay in L1/L2 next to a K tile).
constexpr std::int64_t kKeysPerTile = 128;
// Query groups (of NR queries) per tile: each K and V panel is used this often per load.
constexpr std::int64_t kMaxGroups = 4;

// dst[0..n) = src[first..first+n) widened to fp32; one switch per row, typed inner loops.
void widen_row(const void* src, DType t, std::size_t first, std::int64_t n, float* dst) {
  switch (t) {
    case DType::fp32: {
      const float* p = static_cast<const float*>(src) + first;
      for (std::int64_t d = 0; d < n; ++d) dst[d] = p[d];
      break;
    }
    case DType::fp16: {
      const std::uint16_t* p = static_cast<const std::uint16_t*>(src) + first;
      for (std::int64_t d = 0; d < n; ++d) dst[d] = fp16_bits_to_float(p[d]);
      break;
    }
    case DType::bf16: {
      const std::uint16_t* p = static_cast<const std::uint16_t*>(src) + first;
      for (std::int64_t d = 0; d < n; ++d) dst[d] = bf16_bits_to_float(p[d]);
      break;
    }
    case DType::int32:  // refused by validate_attention_spec
    case DType::fp8e4m3:
      break;
  }
}

// Longest padded head dim: D <= 256 rounded up to the largest MR (kMaxMr).
constexpr std::int64_t kMaxRow = 256 + kMaxMr;

}  // namespace

FlashAttention::FlashAttention(const AttentionSpec& spec, const MicroKernel& micro_kernel,
                               const SoftmaxStep& softmax, std::shared_ptr<ThreadPool> pool)
    : spec_(spec), mk_(micro_kernel), softmax_(softmax), pool_(std::move(pool)) {
  mr_ = mk_.mr;
  nr_ = mk_.nr;
  if (nr_ % softmax_.lanes != 0) {
    throw std::logic_error("cpu:flash: softmax step lanes do not divide the micro-kernel's NR");
  }
  rows_ = spec_.q_heads / spec_.kv_heads * spec_.q_len;
  groups_ = std::min(kMaxGroups, ceil_div(rows_, nr_));
  query_tile_ = groups_ * nr_;
  key_tile_ = ceil_div(kKeysPerTile, mr_) * mr_;
  q_tiles_ = ceil_div(rows_, query_tile_);
  sk_pad_ = ceil_div(spec_.kv_len, mr_) * mr_;
  d_pad_ = ceil_div(spec_.head_dim, mr_) * mr_;
  bf16_tiles_ = mk_.format == PanelFormat::bf16_amx;
  if (mk_.format == PanelFormat::bf16_pairs || (bf16_tiles_ && spec_.dtype != DType::bf16)) {
    throw std::logic_error(std::string("cpu:flash: no path for micro-kernel ") + mk_.isa +
                           " on " + std::string(dtype_name(spec_.dtype)));
  }
  // Words of one packed panel: fp32 D x MR, or bf16 with D padded to the kernel's K step.
  d_panel_words_ = panel_words(mk_, spec_.head_dim, static_cast<int>(mr_));
  v_panel_words_ = panel_words(mk_, sk_pad_, static_cast<int>(mr_));
  q_panel_words_ = panel_words(mk_, spec_.head_dim, static_cast<int>(nr_));
  const auto kv_heads = static_cast<std::size_t>(spec_.batch * spec_.kv_heads);
  k_packed_.resize(kv_heads * static_cast<std::size_t>(sk_pad_ / mr_ * d_panel_words_) *
                   sizeof(float));
  v_packed_.resize(kv_heads * static_cast<std::size_t>(d_pad_ / mr_ * v_panel_words_) *
                   sizeof(float));
  scratch_.resize(static_cast<std::size_t>(pool_->size()));
  for (Scratch& s : scratch_) {
    s.q_panels.resize(static_cast<std::size_t>(groups_ * q_panel_words_) * sizeof(float));
    s.p_tiles.resize(static_cast<std::size_t>(query_tile_ * key_tile_) * sizeof(float));
    if (bf16_tiles_) {
      s.p_pairs.resize(static_cast<std::size_t>(key_tile_ / 2 * nr_) * sizeof(std::uint32_t));
    }
    s.o_tiles.resize(static_cast<std::size_t>(query_tile_ * d_pad_) * sizeof(float));
    s.stats.resize(static_cast<std::size_t>(3 * query_tile_) * sizeof(float));
    s.group_keys.resize(static_cast<std::size_t>(groups_) * sizeof(std::int64_t));
  }
}

void FlashAttention::run(const void* q, const void* k, const void* v, void* o) {
  const std::int64_t kv_heads = spec_.batch * spec_.kv_heads;
  const std::int64_t pack_items = 2 * kv_heads;
  const std::int64_t items = pack_items + kv_heads * q_tiles_;
  auto item = [&](std::int64_t i, int thread) {
    if (i < pack_items) {
      pack_kv(i, k, v);
    } else {
      pool_->wait_done(pack_items);  // every K and V panel is packed
      attend(i - pack_items, thread, q, o);
    }
  };
  const int team = static_cast<int>(std::min<std::int64_t>(items, pool_->size()));
  pool_->run(items, team, item);
}

void FlashAttention::pack_kv(std::int64_t item, const void* k, const void* v) {
  const std::int64_t head = item / 2;
  const std::int64_t D = spec_.head_dim, Sk = spec_.kv_len;
  const auto src_base = static_cast<std::size_t>(head * Sk * D);
  if (bf16_tiles_) {
    // The AMX kernel's A panels (gemm_packing.h), straight from bf16: K with keys as lanes and
    // D as depth, V with dims as lanes and keys as depth; padding keys and dims are zero.
    const auto* base = static_cast<const std::uint16_t*>(item % 2 == 0 ? k : v) + src_base;
    const int width = static_cast<int>(mr_);
    if (item % 2 == 0) {
      auto* dst = reinterpret_cast<std::uint32_t*>(k_packed_.as<float>()) +
                  head * (sk_pad_ / mr_) * d_panel_words_;
      const PackSource keys{base, DType::bf16, D, false};
      for (std::int64_t p = 0; p < sk_pad_ / mr_; ++p) {
        const int valid = static_cast<int>(std::clamp<std::int64_t>(Sk - p * mr_, 0, mr_));
        pack_panel_bf16_amx_rows(keys, p * mr_, valid, 0, D, width, dst + p * d_panel_words_);
      }
    } else {
      auto* dst = reinterpret_cast<std::uint32_t*>(v_packed_.as<float>()) +
                  head * (d_pad_ / mr_) * v_panel_words_;
      const PackSource dims{base, DType::bf16, D, true};
      for (std::int64_t dp = 0; dp < d_pad_ / mr_; ++dp) {
        const int valid = static_cast<int>(std::min<std::int64_t>(D - dp * mr_, mr_));
        pack_panel_bf16_amx_rows(dims, dp * mr_, valid, 0, Sk, width, dst + dp * v_panel_words_);
      }
    }
    return;
  }
  float row[kMaxRow];  // one key's K or V row in fp32, zero past D
  std::fill(row, row + kMaxRow, 0.0f);
  if (item % 2 == 0) {
    // K: panel of MR keys, element (key i, dim d) at d*MR + i; keys past Sk are zero.
    float* dst = k_packed_.as<float>() + head * sk_pad_ * D;
    for (std::int64_t j = 0; j < sk_pad_; ++j) {
      if (j < Sk) {
        widen_row(k, spec_.dtype, src_base + static_cast<std::size_t>(j * D), D, row);
      } else {
        std::fill(row, row + D, 0.0f);
      }
      float* panel = dst + (j / mr_) * mr_ * D + j % mr_;
      for (std::int64_t d = 0; d < D; ++d) panel[d * mr_] = row[d];
    }
  } else {
    // V: panel of MR dims, element (key j, dim i) at j*MR + i; padding dims and keys are zero.
    float* dst = v_packed_.as<float>() + head * sk_pad_ * d_pad_;
    for (std::int64_t j = 0; j < sk_pad_; ++j) {
      if (j < Sk) {
        widen_row(v, spec_.dtype, src_base + static_cast<std::size_t>(j * D), D, row);
      } else {
        std::fill(row, row + D, 0.0f);
      }
      for (std::int64_t dp = 0; dp < d_pad_ / mr_; ++dp) {
        float* out = dst + dp * sk_pad_ * mr_ + j * mr_;
        for (std::int64_t i = 0; i < mr_; ++i) out[i] = row[dp * mr_ + i];
      }
    }
  }
}

void FlashAttention::attend(std::int64_t item, int thread, const void* q, void* o) {
  const std::int64_t D = spec_.head_dim, Sq = spec_.q_len, Sk = spec_.kv_len;
  const std::int64_t kv_heads = spec_.batch * spec_.kv_heads;
  // Last tiles first: under a causal mask their queries see the most keys.
  const std::int64_t qt = q_tiles_ - 1 - item / kv_heads;
  const std::int64_t kv_head = item % kv_heads;  // b * Hkv + key/value head
  const std::int64_t group = spec_.q_heads / spec_.kv_heads;
  // The rows of a key/value head are those of its `group` query heads, one after the other in
  // Q and O: row r is query r % Sq of query head (first of the group) + r / Sq.
  const std::int64_t b = kv_head / spec_.kv_heads;
  const std::int64_t row_base =
      (b * spec_.q_heads + (kv_head % spec_.kv_heads) * group) * Sq;  // in rows of D
  const std::int64_t r0 = qt * query_tile_;
  const std::int64_t nq = std::min(query_tile_, rows_ - r0);
  const std::int64_t active_groups = ceil_div(nq, nr_);
  // Keys row r0 + j sees (padding rows: all).
  auto visible = [&](std::int64_t j) { return j < nq ? spec_.visible_keys((r0 + j) % Sq) : Sk; };

  Scratch& s = scratch_[static_cast<std::size_t>(thread)];
  float* qp = s.q_panels.as<float>();
  float* pt = s.p_tiles.as<float>();
  float* ot = s.o_tiles.as<float>();
  float* m = s.stats.as<float>();
  float* l = m + query_tile_;
  float* limit = l + query_tile_;

  // Q panels: group g holds rows r0+g*NR.., element (dim d, query j) at d*NR + j, scaled by
  // scale*log2(e) so that the softmax works in powers of two. Padding queries are zero.
  const auto qscale = static_cast<float>(spec_.softmax_scale() * 1.4426950408889634);
  const auto q_base = static_cast<std::size_t>((row_base + r0) * D);
  float row[kMaxRow];
  // bf16 tiles: Q stays exact bf16 (in the kernel's B pairs) and the scale goes into the
  // product's alpha instead; a scaled Q rounded to bf16 would be off by up to 2^-9.
  float s_alpha = 1.0f;
  if (bf16_tiles_) {
    mk_.begin();  // the tile configuration of this thread
    s_alpha = qscale;
    const PackSource queries{static_cast<const std::uint16_t*>(q) + q_base, DType::bf16, D, false};
    for (std::int64_t g = 0; g < active_groups; ++g) {
      const int valid = static_cast<int>(std::clamp<std::int64_t>(nq - g * nr_, 0, nr_));
      pack_panel_bf16_pairs(queries, g * nr_, valid, 0, D, static_cast<int>(nr_),
                            q_panel_words_ / nr_,
                            reinterpret_cast<std::uint32_t*>(qp) + g * q_panel_words_);
    }
  }
  for (std::int64_t qi = 0; qi < (bf16_tiles_ ? 0 : active_groups * nr_); ++qi) {
    if (qi < nq) {
      widen_row(q, spec_.dtype, q_base + static_cast<std::size_t>(qi * D), D, row);
    } else {
      std::fill(row, row + D, 0.0f);
    }
    float* dst = qp + (qi / nr_) * q_panel_words_ + qi % nr_;
    for (std::int64_t d = 0; d < D; ++d) dst[d * nr_] = qscale * row[d];
  }
  std::fill(m, m + query_tile_, -std::numeric_limits<float>::infinity());
  std::fill(l, l + query_tile_, 0.0f);
  std::fill(ot, ot + active_groups * d_pad_ * nr_, 0.0f);

  const float* kh = k_packed_.as<float>() + kv_head * (sk_pad_ / mr_) * d_panel_words_;
  const float* vh = v_packed_.as<float>() + kv_head * (d_pad_ / mr_) * v_panel_words_;
  auto* pp = reinterpret_cast<std::uint32_t*>(s.p_pairs.data());  // bf16 tiles: P^T in pairs
  // Keys any row of a group sees (all, or the largest causal limit of its rows); the tile's.
  std::int64_t* group_keys = reinterpret_cast<std::int64_t*>(s.group_keys.data());
  std::int64_t tile_keys = 0;
  for (std::int64_t g = 0; g < active_groups; ++g) {
    group_keys[g] = 0;
    for (std::int64_t j = g * nr_; j < (g + 1) * nr_ && j < nq; ++j) {
      group_keys[g] = std::max(group_keys[g], visible(j));
    }
    tile_keys = std::max(tile_keys, group_keys[g]);
  }
  // Key tiles outside, query groups inside: a K and V tile is used by every group while hot.
  for (std::int64_t k0 = 0; k0 < tile_keys; k0 += key_tile_) {
    for (std::int64_t g = 0; g < active_groups; ++g) {
      const std::int64_t g_keys = group_keys[g];
      if (k0 >= g_keys) continue;  // causal: every key of this tile is masked for the group
      const std::int64_t nk = std::min(key_tile_, ceil_div(g_keys - k0, mr_) * mr_);
      float* pg = pt + g * key_tile_ * nr_;
      float* og = ot + g * d_pad_ * nr_;
      // S^T = K_tile . Q_g^T, MR keys at a time.
      for (std::int64_t kp = 0; kp < nk / mr_; ++kp) {
        mk_.fn(D, kh + (k0 / mr_ + kp) * d_panel_words_, qp + g * q_panel_words_,
               pg + kp * mr_ * nr_, nr_, s_alpha, 0.0f);
      }
      // Mask keys past Sk (padding) and, causal, past each row's limit.
      float* limg = limit + g * nr_;
      bool masked = false;
      for (std::int64_t j = 0; j < nr_; ++j) {
        const std::int64_t keys = std::clamp<std::int64_t>(visible(g * nr_ + j) - k0, 0, nk);
        limg[j] = static_cast<float>(keys);
        masked = masked || keys < nk;
      }
      softmax_.fn(pg, nk, nr_, masked ? limg : nullptr, m + g * nr_, l + g * nr_, og, d_pad_);
      // O^T += V_tile^T . P^T, MR dims at a time. bf16 tiles: P^T rounded to bf16 pairs first
      // (nk is a multiple of MR = 32: no padding), V's depth offset k0 in pairs of MR words.
      const float* p_panel = pg;
      std::int64_t v_offset = k0 * mr_;
      if (bf16_tiles_) {
        for (std::int64_t q2 = 0; q2 < nk / 2; ++q2) {
          const float* even = pg + 2 * q2 * nr_;
          const float* odd = even + nr_;
          for (std::int64_t j = 0; j < nr_; ++j) {
            pp[q2 * nr_ + j] = float_to_bf16_bits(even[j]) |
                               static_cast<std::uint32_t>(float_to_bf16_bits(odd[j])) << 16;
          }
        }
        p_panel = reinterpret_cast<const float*>(pp);
        v_offset = k0 / 2 * mr_;
      }
      for (std::int64_t dp = 0; dp < d_pad_ / mr_; ++dp) {
        mk_.fn(nk, vh + dp * v_panel_words_ + v_offset, p_panel, og + dp * mr_ * nr_, nr_, 1.0f,
               1.0f);
      }
    }
  }

  if (bf16_tiles_) mk_.end();
  // O = O^T / l, transposed back and rounded once to the output type.
  const auto o_base = static_cast<std::size_t>((row_base + r0) * D);
  for (std::int64_t qi = 0; qi < nq; ++qi) {
    const float* src = ot + (qi / nr_) * d_pad_ * nr_ + qi % nr_;
    const float inv = 1.0f / l[qi];
    for (std::int64_t d = 0; d < D; ++d) {
      const float value = src[d * nr_] * inv;
      const std::size_t index = o_base + static_cast<std::size_t>(qi * D + d);
      switch (spec_.dtype) {
        case DType::fp32:
          static_cast<float*>(o)[index] = value;
          break;
        case DType::fp16:
          static_cast<std::uint16_t*>(o)[index] = float_to_fp16(value);
          break;
        case DType::bf16:
          static_cast<std::uint16_t*>(o)[index] = float_to_bf16(value);
          break;
        case DType::int32:  // refused by validate_attention_spec
        case DType::fp8e4m3:
          break;
      }
    }
  }
}

}  // namespace aicert::cpu
