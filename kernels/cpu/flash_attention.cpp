// Flash attention driver: packing of K, V and Q tiles, the key-tile loop, threads.
#include "kernels/cpu/flash_attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "kernels/cpu/fp16_bits.h"

namespace aicert::cpu {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Keys per tile: about 128 (the S^T and P^T tiles of a group stay in L1/L2 next to a K tile).
constexpr std::int64_t kKeysPerTile = 128;
// Query groups (of NR queries) per tile: each K and V panel is used this often per load.
constexpr std::int64_t kMaxGroups = 4;

inline float load_f32(const void* data, DType t, std::size_t i) {
  switch (t) {
    case DType::fp32:
      return static_cast<const float*>(data)[i];
    case DType::fp16:
      return fp16_bits_to_float(static_cast<const std::uint16_t*>(data)[i]);
    case DType::bf16:
      return bf16_bits_to_float(static_cast<const std::uint16_t*>(data)[i]);
  }
  return 0.0f;
}

}  // namespace

FlashAttention::FlashAttention(const AttentionSpec& spec, const MicroKernel& micro_kernel,
                               const SoftmaxStep& softmax, std::shared_ptr<ThreadPool> pool)
    : spec_(spec), mk_(micro_kernel), softmax_(softmax), pool_(std::move(pool)) {
  mr_ = mk_.mr;
  nr_ = mk_.nr;
  if (nr_ % softmax_.lanes != 0) {
    throw std::logic_error("cpu:flash: softmax step lanes do not divide the micro-kernel's NR");
  }
  groups_ = std::min(kMaxGroups, ceil_div(spec_.q_len, nr_));
  query_tile_ = groups_ * nr_;
  key_tile_ = ceil_div(kKeysPerTile, mr_) * mr_;
  q_tiles_ = ceil_div(spec_.q_len, query_tile_);
  sk_pad_ = ceil_div(spec_.kv_len, mr_) * mr_;
  d_pad_ = ceil_div(spec_.head_dim, mr_) * mr_;
  const auto kv_heads = static_cast<std::size_t>(spec_.batch * spec_.kv_heads);
  k_packed_.resize(kv_heads * static_cast<std::size_t>(sk_pad_ * spec_.head_dim) * sizeof(float));
  v_packed_.resize(kv_heads * static_cast<std::size_t>(sk_pad_ * d_pad_) * sizeof(float));
  scratch_.resize(static_cast<std::size_t>(pool_->size()));
  for (Scratch& s : scratch_) {
    s.q_panels.resize(static_cast<std::size_t>(query_tile_ * spec_.head_dim) * sizeof(float));
    s.p_tiles.resize(static_cast<std::size_t>(query_tile_ * key_tile_) * sizeof(float));
    s.o_tiles.resize(static_cast<std::size_t>(query_tile_ * d_pad_) * sizeof(float));
    s.stats.resize(static_cast<std::size_t>(3 * query_tile_) * sizeof(float));
  }
}

void FlashAttention::run(const void* q, const void* k, const void* v, void* o) {
  const std::int64_t kv_heads = spec_.batch * spec_.kv_heads;
  const std::int64_t pack_items = 2 * kv_heads;
  const std::int64_t items = pack_items + spec_.batch * spec_.q_heads * q_tiles_;
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
  if (item % 2 == 0) {
    // K: panel of MR keys, element (key i, dim d) at d*MR + i; keys past Sk are zero.
    float* dst = k_packed_.as<float>() + head * sk_pad_ * D;
    for (std::int64_t j = 0; j < sk_pad_; ++j) {
      float* panel = dst + (j / mr_) * mr_ * D + j % mr_;
      for (std::int64_t d = 0; d < D; ++d) {
        panel[d * mr_] =
            j < Sk ? load_f32(k, spec_.dtype, src_base + static_cast<std::size_t>(j * D + d))
                   : 0.0f;
      }
    }
  } else {
    // V: panel of MR dims, element (key j, dim i) at j*MR + i; padding dims and keys are zero.
    float* dst = v_packed_.as<float>() + head * sk_pad_ * d_pad_;
    for (std::int64_t j = 0; j < sk_pad_; ++j) {
      for (std::int64_t d = 0; d < d_pad_; ++d) {
        dst[(d / mr_) * sk_pad_ * mr_ + j * mr_ + d % mr_] =
            j < Sk && d < D
                ? load_f32(v, spec_.dtype, src_base + static_cast<std::size_t>(j * D + d))
                : 0.0f;
      }
    }
  }
}

void FlashAttention::attend(std::int64_t item, int thread, const void* q, void* o) {
  const std::int64_t D = spec_.head_dim, Sq = spec_.q_len, Sk = spec_.kv_len;
  const std::int64_t bh_count = spec_.batch * spec_.q_heads;
  // Last query tiles first: under a causal mask they are the longest.
  const std::int64_t qt = q_tiles_ - 1 - item / bh_count;
  const std::int64_t bh = item % bh_count;
  const std::int64_t b = bh / spec_.q_heads, h = bh % spec_.q_heads;
  const std::int64_t kv_head = b * spec_.kv_heads + h / (spec_.q_heads / spec_.kv_heads);
  const std::int64_t q0 = qt * query_tile_;
  const std::int64_t nq = std::min(query_tile_, Sq - q0);
  const std::int64_t active_groups = ceil_div(nq, nr_);
  const std::int64_t offset = spec_.causal_offset();

  Scratch& s = scratch_[static_cast<std::size_t>(thread)];
  float* qp = s.q_panels.as<float>();
  float* pt = s.p_tiles.as<float>();
  float* ot = s.o_tiles.as<float>();
  float* m = s.stats.as<float>();
  float* l = m + query_tile_;
  float* limit = l + query_tile_;

  // Q panels: group g holds queries q0+g*NR.., element (dim d, query j) at d*NR + j, scaled by
  // scale*log2(e) so that the softmax works in powers of two. Padding queries are zero.
  const auto qscale = static_cast<float>(spec_.softmax_scale() * 1.4426950408889634);
  const auto q_base = static_cast<std::size_t>((bh * Sq + q0) * D);
  for (std::int64_t qi = 0; qi < active_groups * nr_; ++qi) {
    float* dst = qp + (qi / nr_) * D * nr_ + qi % nr_;
    for (std::int64_t d = 0; d < D; ++d) {
      dst[d * nr_] =
          qi < nq ? qscale * load_f32(q, spec_.dtype, q_base + static_cast<std::size_t>(qi * D + d))
                  : 0.0f;
    }
  }
  std::fill(m, m + query_tile_, -std::numeric_limits<float>::infinity());
  std::fill(l, l + query_tile_, 0.0f);
  std::fill(ot, ot + active_groups * d_pad_ * nr_, 0.0f);

  const float* kh = k_packed_.as<float>() + kv_head * sk_pad_ * D;
  const float* vh = v_packed_.as<float>() + kv_head * sk_pad_ * d_pad_;
  // Keys any query of the tile sees: all, or up to its last query's causal limit.
  const std::int64_t tile_keys = spec_.causal ? std::min(Sk, q0 + nq - 1 + offset + 1) : Sk;
  // Key tiles outside, query groups inside: a K and V tile is used by every group while hot.
  for (std::int64_t k0 = 0; k0 < tile_keys; k0 += key_tile_) {
    for (std::int64_t g = 0; g < active_groups; ++g) {
      const std::int64_t gq0 = q0 + g * nr_;
      const std::int64_t g_last = std::min(gq0 + nr_, Sq) - 1;
      const std::int64_t g_keys = spec_.causal ? std::min(Sk, g_last + offset + 1) : Sk;
      if (k0 >= g_keys) continue;  // causal: every key of this tile is masked for the group
      const std::int64_t nk = std::min(key_tile_, ceil_div(g_keys - k0, mr_) * mr_);
      float* pg = pt + g * key_tile_ * nr_;
      float* og = ot + g * d_pad_ * nr_;
      // S^T = K_tile . Q_g^T, MR keys at a time.
      for (std::int64_t kp = 0; kp < nk / mr_; ++kp) {
        mk_.fn(D, kh + (k0 / mr_ + kp) * mr_ * D, qp + g * D * nr_, pg + kp * mr_ * nr_, nr_, 1.0f,
               0.0f);
      }
      // Mask keys past Sk (padding) and, causal, past each query's limit.
      const bool masked = k0 + nk > Sk || (spec_.causal && k0 + nk > gq0 + offset + 1);
      float* limg = limit + g * nr_;
      if (masked) {
        for (std::int64_t j = 0; j < nr_; ++j) {
          const std::int64_t visible = gq0 + j < Sq ? spec_.visible_keys(gq0 + j) : Sk;
          limg[j] = static_cast<float>(std::clamp<std::int64_t>(visible - k0, 0, nk));
        }
      }
      softmax_.fn(pg, nk, nr_, masked ? limg : nullptr, m + g * nr_, l + g * nr_, og, d_pad_);
      // O^T += V_tile^T . P^T, MR dims at a time.
      for (std::int64_t dp = 0; dp < d_pad_ / mr_; ++dp) {
        mk_.fn(nk, vh + dp * sk_pad_ * mr_ + k0 * mr_, pg, og + dp * mr_ * nr_, nr_, 1.0f, 1.0f);
      }
    }
  }

  // O = O^T / l, transposed back and rounded once to the output type.
  const auto o_base = static_cast<std::size_t>((bh * Sq + q0) * D);
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
      }
    }
  }
}

}  // namespace aicert::cpu
