// The attention workload's case spec: scaled dot-product attention forward,
// O = softmax(scale * Q K^T + mask) V per (batch, query head), row-major [B, H, S, D] tensors.
// Grouped-query attention: Hkv divides Hq and query head h reads key/value head h / (Hq / Hkv)
// (Hkv == Hq is plain multi-head, Hkv == 1 multi-query). Sq queries attend to Sk keys.
//
// Causal convention (Sq != Sk): bottom-right aligned, as in decoding with a KV cache: query i
// sees keys j <= i + (Sk - Sq). A causal case needs Sq <= Sk, so that every query sees at least
// one key (query 0 then sees keys 0 .. Sk - Sq).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "workloads/dtype.h"

namespace aicert {

struct AttentionSpec {
  static constexpr std::string_view kWorkload = "attention";  // its workload's name
  std::int64_t batch = 1;
  std::int64_t q_heads = 1;    // Hq
  std::int64_t kv_heads = 1;   // Hkv, divides Hq
  std::int64_t q_len = 1;      // Sq
  std::int64_t kv_len = 1;     // Sk
  std::int64_t head_dim = 64;  // D, 1..256
  bool causal = false;
  DType dtype = DType::fp32;  // Q, K, V and O; accumulation is fp32 or wider
  double scale = 0;           // softmax scale; 0 means 1/sqrt(D)

  double softmax_scale() const;
  // Query rows that see key j: j <= i + causal_offset() (causal only).
  std::int64_t causal_offset() const { return kv_len - q_len; }
  // Keys query row i sees: Sk, or min(Sk, i + offset + 1) when causal.
  std::int64_t visible_keys(std::int64_t i) const;
  // (query, key) pairs that are not masked, per (batch, head).
  double unmasked_pairs() const;
  // 4 * B * Hq * D * (unmasked pairs): QK^T and PV, two flops per multiply-add.
  double flops() const;
  // Bytes of Q, K, V and O in storage type.
  double operand_bytes() const;
  // "B,Hq,Hkv,Sq,D" or "B,Hq,Hkv,Sq,D,Sk" when Sk != Sq.
  std::string shape_string() const;
};

// Parses "B,Hq,Hkv,S,D" or "B,Hq,Hkv,Sq,D,Sk" (Sk defaults to Sq). On failure returns nullopt
// and says why in *error.
std::optional<AttentionSpec> parse_attention_shape(std::string_view text, std::string* error);

// Checks every extent, the head grouping, the causal rule (Sq <= Sk), the scale, index limits
// and that the case's buffers (inputs, output, fp64 reference) fit in max_bytes.
// Returns an empty string when the spec is valid, else what is wrong.
std::string validate_attention_spec(const AttentionSpec& spec, double max_bytes);

}  // namespace aicert
