// Parsing, validation and flop counting of attention case specs.
#include "workloads/attention_spec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include "workloads/memory_need.h"

namespace aicert {

double AttentionSpec::softmax_scale() const {
  return scale != 0 ? scale : 1.0 / std::sqrt(static_cast<double>(head_dim));
}

std::int64_t AttentionSpec::visible_keys(std::int64_t i) const {
  if (!causal) return kv_len;
  return std::clamp<std::int64_t>(i + causal_offset() + 1, 0, kv_len);
}

double AttentionSpec::unmasked_pairs() const {
  const double sq = static_cast<double>(q_len), sk = static_cast<double>(kv_len);
  if (!causal) return sq * sk;
  // Exact count of sum_i visible_keys(i): rows see offset+1, offset+2, ... keys, capped at Sk.
  double pairs = 0;
  for (std::int64_t i = 0; i < q_len; ++i) pairs += static_cast<double>(visible_keys(i));
  return pairs;
}

double AttentionSpec::flops() const {
  return 4.0 * static_cast<double>(batch) * static_cast<double>(q_heads) *
         static_cast<double>(head_dim) * unmasked_pairs();
}

double AttentionSpec::operand_bytes() const {
  const double e = static_cast<double>(dtype_size(dtype));
  const double bd = static_cast<double>(batch) * static_cast<double>(head_dim);
  return e * bd *
         (2.0 * static_cast<double>(q_heads) * static_cast<double>(q_len) +
          2.0 * static_cast<double>(kv_heads) * static_cast<double>(kv_len));
}

std::string AttentionSpec::shape_string() const {
  std::string s = std::to_string(batch) + "," + std::to_string(q_heads) + "," +
                  std::to_string(kv_heads) + "," + std::to_string(q_len) + "," +
                  std::to_string(head_dim);
  if (kv_len != q_len) s += "," + std::to_string(kv_len);
  return s;
}

std::optional<AttentionSpec> parse_attention_shape(std::string_view text, std::string* error) {
  std::vector<std::int64_t> dims;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = text.find(',', pos);
    const std::string_view part =
        text.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size()) {
      *error = "attention shape '" + std::string(text) +
               "' is not B,Hq,Hkv,S,D[,Sk] with integers (e.g. 1,16,16,2048,128)";
      return std::nullopt;
    }
    dims.push_back(value);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (dims.size() != 5 && dims.size() != 6) {
    *error = "attention shape '" + std::string(text) +
             "' must have five or six fields B,Hq,Hkv,S,D[,Sk], got " + std::to_string(dims.size());
    return std::nullopt;
  }
  AttentionSpec spec;
  spec.batch = dims[0];
  spec.q_heads = dims[1];
  spec.kv_heads = dims[2];
  spec.q_len = dims[3];
  spec.head_dim = dims[4];
  spec.kv_len = dims.size() == 6 ? dims[5] : dims[3];
  return spec;
}

std::string validate_attention_spec(const AttentionSpec& s, double max_bytes) {
  const std::string shape = "attention shape " + s.shape_string();
  if (s.dtype == DType::int32 || s.dtype == DType::fp8e4m3) {
    return shape + ": attention runs in fp32, fp16 or bf16, not " +
           std::string(dtype_name(s.dtype));
  }
  if (s.batch <= 0 || s.q_heads <= 0 || s.kv_heads <= 0 || s.q_len <= 0 || s.kv_len <= 0 ||
      s.head_dim <= 0) {
    return shape + ": every extent must be positive";
  }
  if (s.head_dim > 256) return shape + ": head dim D must be at most 256";
  if (s.q_heads % s.kv_heads != 0) {
    return shape + ": Hkv (" + std::to_string(s.kv_heads) + ") must divide Hq (" +
           std::to_string(s.q_heads) + ")";
  }
  if (s.causal && s.q_len > s.kv_len) {
    return shape +
           ": a causal case needs Sq <= Sk (bottom-right aligned mask: query i sees "
           "keys j <= i + Sk - Sq)";
  }
  if (!std::isfinite(s.scale) || s.scale < 0) return shape + ": scale must be positive";
  constexpr double kIndexLimit = static_cast<double>(std::numeric_limits<std::int32_t>::max());
  const double q_elems = static_cast<double>(s.batch) * static_cast<double>(s.q_heads) *
                         static_cast<double>(s.q_len) * static_cast<double>(s.head_dim);
  const double kv_elems = static_cast<double>(s.batch) * static_cast<double>(s.kv_heads) *
                          static_cast<double>(s.kv_len) * static_cast<double>(s.head_dim);
  if (q_elems > kIndexLimit || kv_elems > kIndexLimit) {
    return shape + ": a tensor has more than 2^31-1 elements, which kernels index with 32 bits";
  }
  // Inputs and output in storage type, the fp64 reference and magnitude of O, and the
  // reference's fp64 copies of K and V.
  const double needed = s.operand_bytes() + 16.0 * q_elems + 16.0 * kv_elems;
  if (needed > max_bytes) {
    return shape + " " + memory_shortfall(needed, max_bytes);
  }
  return {};
}

}  // namespace aicert
