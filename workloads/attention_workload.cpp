// Attention inputs, streaming fp64 reference and check.
#include "workloads/attention_workload.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "workloads/error_metrics.h"
#include "workloads/seeded_inputs.h"
#include "workloads/sha256.h"

namespace aicert {

namespace {
// Streams of the seeded generator, one per operand (GEMM uses 1..3).
enum Stream : std::uint64_t { kStreamQ = 11, kStreamK = 12, kStreamV = 13 };

// Keys per tile of the streaming reference.
constexpr std::int64_t kKeyTile = 64;

std::vector<double> widen(const Tensor& t) {
  std::vector<double> out(t.elements());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = load_as_float(t.data(), t.dtype, i);
  return out;
}

// Query rows per block of the streaming reference: the rows of one block share each key/value
// tile while it is in cache (a row at a time would stream all of K and V from memory per row).
constexpr std::int64_t kQueryBlock = 32;

// The online-softmax state of one query row: softmax(q.K^T) V and |P|.|V| over the keys seen.
struct RowState {
  double m, l = 0, largest = 0;  // running max logit, sum of p, max_j |q|.|k_j|
  double* acc;                   // sum_j p_j v_j [D]
  double* mag;                   // sum_j p_j |v_j| [D]
};

// Folds keys [j0, j0 + nt) of one head into one row's state (all in fp64). Cloned for
// AVX-512 and AVX2, picked at load time: the reference is most of an attention case's host
// time, and the portable build would otherwise run it two doubles at a time. The simd
// reductions reorder fp64 sums, which moves the reference by ulps of fp64, far inside every
// bound.
__attribute__((target_clones("avx512f", "avx2", "default"))) void fold_key_tile(
    RowState& r, const double* q, const double* k, const double* v, std::int64_t D, std::int64_t j0,
    std::int64_t nt) {
  double logit[kKeyTile];
  double tile_max = -std::numeric_limits<double>::infinity();
  for (std::int64_t t = 0; t < nt; ++t) {
    const double* kr = k + (j0 + t) * D;
    double dot = 0, abs_dot = 0;
#pragma omp simd reduction(+ : dot, abs_dot)
    for (std::int64_t d = 0; d < D; ++d) {
      dot += q[d] * kr[d];
      abs_dot += std::fabs(q[d] * kr[d]);
    }
    logit[t] = dot;
    tile_max = std::max(tile_max, dot);
    r.largest = std::max(r.largest, abs_dot);
  }
  if (tile_max > r.m) {  // rescale what was summed under the old max
    const double s = std::exp(r.m - tile_max);
    r.l *= s;
#pragma omp simd
    for (std::int64_t d = 0; d < D; ++d) {
      r.acc[d] *= s;
      r.mag[d] *= s;
    }
    r.m = tile_max;
  }
  for (std::int64_t t = 0; t < nt; ++t) {
    const double p = std::exp(logit[t] - r.m);
    const double* vr = v + (j0 + t) * D;
    r.l += p;
#pragma omp simd
    for (std::int64_t d = 0; d < D; ++d) {
      r.acc[d] += p * vr[d];
      r.mag[d] += p * std::fabs(vr[d]);
    }
  }
}
}  // namespace

HostTensors make_attention_tensors(const AttentionSpec& s, std::uint64_t seed) {
  HostTensors h;
  h.tensors.push_back(make_tensor("Q", s.dtype, {s.batch, s.q_heads, s.q_len, s.head_dim}, false));
  h.tensors.push_back(
      make_tensor("K", s.dtype, {s.batch, s.kv_heads, s.kv_len, s.head_dim}, false));
  h.tensors.push_back(
      make_tensor("V", s.dtype, {s.batch, s.kv_heads, s.kv_len, s.head_dim}, false));
  h.tensors.push_back(make_tensor("O", s.dtype, {s.batch, s.q_heads, s.q_len, s.head_dim}, true));
  fill_seeded(h.at("Q"), seed, kStreamQ);
  fill_seeded(h.at("K"), seed, kStreamK);
  fill_seeded(h.at("V"), seed, kStreamV);
  return h;
}

AttentionReference attention_reference(const AttentionSpec& s, const HostTensors& inputs) {
  const std::int64_t D = s.head_dim, Sq = s.q_len, Sk = s.kv_len;
  const std::int64_t group = s.q_heads / s.kv_heads;
  const double scale = s.softmax_scale();
  const std::vector<double> k = widen(inputs.at("K"));
  const std::vector<double> v = widen(inputs.at("V"));
  const Tensor& Q = inputs.at("Q");

  AttentionReference ref;
  const auto out_elems = static_cast<std::size_t>(s.batch * s.q_heads * Sq * D);
  ref.value.assign(out_elems, 0.0);
  ref.magnitude.assign(out_elems, 0.0);
  std::vector<double> row_growth(static_cast<std::size_t>(s.batch * s.q_heads * Sq), 0.0);
  const double sqrt_d = std::sqrt(static_cast<double>(D));
  const double sqrt_sk = std::sqrt(static_cast<double>(Sk));
  // P rounded to the input type before P V (every fp16/bf16 flash kernel does), in units of u_acc.
  const double p_rounding = unit_roundoff(s.dtype) / unit_roundoff(DType::fp32);

  const std::int64_t blocks_per_head = (Sq + kQueryBlock - 1) / kQueryBlock;
#pragma omp parallel
  {
    std::vector<double> q(static_cast<std::size_t>(kQueryBlock * D));
    std::vector<double> acc(q.size()), mag(q.size());
    std::vector<RowState> state(static_cast<std::size_t>(kQueryBlock));
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t unit = 0; unit < s.batch * s.q_heads * blocks_per_head; ++unit) {
      const std::int64_t bh = unit / blocks_per_head;  // b * Hq + h
      const std::int64_t i0 = (unit % blocks_per_head) * kQueryBlock;
      const std::int64_t nq = std::min(kQueryBlock, Sq - i0);
      const std::int64_t b = bh / s.q_heads, h = bh % s.q_heads;
      const std::int64_t kv_head = b * s.kv_heads + h / group;
      const double* kh = &k[static_cast<std::size_t>(kv_head * Sk * D)];
      const double* vh = &v[static_cast<std::size_t>(kv_head * Sk * D)];
      const std::int64_t row0 = bh * Sq + i0;
      std::int64_t most_keys = 0;
      for (std::int64_t r = 0; r < nq; ++r) {
        for (std::int64_t d = 0; d < D; ++d) {
          q[static_cast<std::size_t>(r * D + d)] =
              scale *
              load_as_float(Q.data(), Q.dtype, static_cast<std::size_t>((row0 + r) * D + d));
        }
        state[static_cast<std::size_t>(r)] =
            RowState{-std::numeric_limits<double>::infinity(), 0, 0,
                     &acc[static_cast<std::size_t>(r * D)], &mag[static_cast<std::size_t>(r * D)]};
        most_keys = std::max(most_keys, s.visible_keys(i0 + r));
      }
      std::fill(acc.begin(), acc.end(), 0.0);
      std::fill(mag.begin(), mag.end(), 0.0);
      for (std::int64_t j0 = 0; j0 < most_keys; j0 += kKeyTile) {
        for (std::int64_t r = 0; r < nq; ++r) {
          const std::int64_t nt = std::min(kKeyTile, s.visible_keys(i0 + r) - j0);
          if (nt > 0) {
            fold_key_tile(state[static_cast<std::size_t>(r)], &q[static_cast<std::size_t>(r * D)],
                          kh, vh, D, j0, nt);
          }
        }
      }
      for (std::int64_t r = 0; r < nq; ++r) {
        const RowState& st = state[static_cast<std::size_t>(r)];
        const std::int64_t row = row0 + r;
        const double g = (sqrt_d + 4.0) * st.largest + sqrt_sk + 4.0 + p_rounding;
        row_growth[static_cast<std::size_t>(row)] = g;
        for (std::int64_t d = 0; d < D; ++d) {
          ref.value[static_cast<std::size_t>(row * D + d)] = st.l > 0 ? st.acc[d] / st.l : 0.0;
          ref.magnitude[static_cast<std::size_t>(row * D + d)] =
              st.l > 0 ? g * st.mag[d] / st.l : 0.0;
        }
      }
    }
  }
  ref.growth = 0;
  for (double g : row_growth) ref.growth = std::max(ref.growth, g);
  if (ref.growth > 0) {
    for (double& m : ref.magnitude) m /= ref.growth;
  }
  return ref;
}

Tolerance attention_tolerance(const AttentionSpec& s, double growth) {
  Tolerance t;
  t.c = 3.0;
  t.u_acc = unit_roundoff(DType::fp32);
  t.u_out = unit_roundoff(s.dtype);
  t.g = growth;
  t.g_formula =
      "max over rows of (sqrt(D)+4)*L_row+sqrt(Sk)+4+u_in/u_acc, L_row = max_j scale*|q|.|k_j|, "
      "u_in/u_acc: P rounded to the input type; magnitude = |P|.|V| * G_row/g";
  t.tiny = smallest_subnormal(s.dtype);
  return t;
}

std::string attention_reference_key(const AttentionSpec& s, const HostTensors& inputs) {
  Sha256 h;
  char header[256];
  std::snprintf(header, sizeof header,
                "attention-reference-v1 %lld %lld %lld %lld %lld %lld %d %a %s\n",
                static_cast<long long>(s.batch), static_cast<long long>(s.q_heads),
                static_cast<long long>(s.kv_heads), static_cast<long long>(s.q_len),
                static_cast<long long>(s.kv_len), static_cast<long long>(s.head_dim),
                s.causal ? 1 : 0, s.softmax_scale(), std::string(dtype_name(s.dtype)).c_str());
  h.update(header, std::strlen(header));
  for (const char* name : {"Q", "K", "V"}) {
    const Tensor& t = inputs.at(name);
    h.update(t.data(), t.buffer.payload_bytes());
  }
  return h.hex();
}

ReferenceCache::Lookup cached_attention_reference(const AttentionSpec& spec,
                                                  const HostTensors& inputs) {
  return process_reference_cache().get_or_compute(
      attention_reference_key(spec, inputs), [&] { return attention_reference(spec, inputs); });
}

CheckResult check_attention(const AttentionSpec& spec, const HostTensors& inputs,
                            const HostTensors& outputs, double c_override) {
  return check_attention_against(spec, *cached_attention_reference(spec, inputs).reference, outputs,
                                 c_override);
}

CheckResult check_attention_against(const AttentionSpec& spec, const Reference& ref,
                                    const HostTensors& outputs, double c_override) {
  Tolerance tolerance = attention_tolerance(spec, ref.growth);
  if (c_override > 0) tolerance.c = c_override;
  return compare_with_reference(outputs.at("O"), ref.value.data(), ref.magnitude.data(), tolerance);
}

namespace {

struct DefaultAttentionShape {
  const char* shape;
  bool causal;
};
// Grouped-query, multi-query and decode-like (Sq=1 against a longer key length) shapes, with
// odd lengths; each runs in well under a second on two cores, fp64 reference included.
constexpr DefaultAttentionShape kDefaultAttentionShapes[] = {
    {"1,8,2,256,64", true},
    {"2,4,1,200,128", false},
    {"1,8,8,1,128,500", false},
};

class AttentionWorkload final : public Workload {
 public:
  std::string_view name() const override { return AttentionSpec::kWorkload; }
  std::string_view description() const override {
    return "O = softmax(scale*Q*K^T [causal]) V, Q [B,Hq,Sq,D], K and V [B,Hkv,Sk,D] "
           "(grouped-query); fp32 fp16 bf16 with fp32 accumulation";
  }
  std::size_t variant_index() const override { return variant_index_of<AttentionSpec>(); }
  Figure figure() const override { return Figure::gflops; }

  bool in_default_run() const override { return true; }
  bool claims_shape(std::string_view shape) const override {
    return shape.find('x') == std::string_view::npos && shape.find(',') != std::string_view::npos;
  }
  WorkloadOptionSet options() const override { return kOptShapes | kOptCausal; }
  std::vector<DType> dtypes() const override { return {DType::fp32, DType::fp16, DType::bf16}; }
  std::vector<DType> default_dtypes() const override { return dtypes(); }

  std::vector<WorkloadSpec> plan_specs(const WorkloadOptions& o, double max_bytes) const override {
    std::vector<AttentionSpec> shapes;
    auto add_shape = [&](const std::string& text, bool causal) {
      std::string error;
      auto spec = parse_attention_shape(text, &error);
      if (!spec) throw WorkloadOptionError{error};
      spec->causal = causal || o.causal;
      shapes.push_back(*spec);
    };
    if (o.shapes.empty()) {
      for (const auto& d : kDefaultAttentionShapes) add_shape(d.shape, d.causal);
    } else {
      for (const auto& s : o.shapes) add_shape(s, false);
    }
    std::vector<WorkloadSpec> specs;
    for (const auto& shape : shapes) {
      for (DType t : dtypes_to_run(*this, o)) {
        AttentionSpec s = shape;
        s.dtype = t;
        if (std::string why = validate_attention_spec(s, max_bytes); !why.empty()) {
          throw WorkloadOptionError{why};
        }
        specs.push_back(s);
      }
    }
    return specs;
  }

  std::string check_item(WorkloadOption option, std::string_view item) const override {
    if (option != kOptShapes) return "";
    std::string error;
    const auto spec = parse_attention_shape(item, &error);
    return spec ? validate_attention_spec(*spec, std::numeric_limits<double>::infinity()) : error;
  }

  double device_bytes(const WorkloadSpec& s, int /*devices*/) const override {
    return std::get<AttentionSpec>(s).operand_bytes();
  }
  // Q, K and V read once, O written once: a fused kernel moves nothing else.
  double roofline_bytes(const WorkloadSpec& s) const override {
    return std::get<AttentionSpec>(s).operand_bytes();
  }

  std::string validate(const WorkloadSpec& s, double max_bytes) const override {
    return validate_attention_spec(std::get<AttentionSpec>(s), max_bytes);
  }
  std::string shape(const WorkloadSpec& s) const override {
    return std::get<AttentionSpec>(s).shape_string();
  }
  std::string shape_variant(const WorkloadSpec& s) const override {
    return std::get<AttentionSpec>(s).causal ? "causal" : "full";
  }
  std::string size_series(const WorkloadSpec&) const override { return ""; }
  std::string headline(const WorkloadSpec& s) const override {
    return "attention " + std::string(dtype_name(std::get<AttentionSpec>(s).dtype));
  }
  std::optional<Bandwidth> bandwidth(const WorkloadSpec&, double) const override {
    return std::nullopt;
  }

  HostTensors make_tensors(const WorkloadSpec& s, std::uint64_t seed) const override {
    return make_attention_tensors(std::get<AttentionSpec>(s), seed);
  }
  std::optional<ReferenceCache::Lookup> reference(const WorkloadSpec& s,
                                                  const HostTensors& inputs) const override {
    return cached_attention_reference(std::get<AttentionSpec>(s), inputs);
  }
  CheckResult check(const WorkloadSpec& s, double tolerance_c, const HostTensors& inputs,
                    const HostTensors& outputs, const Reference* reference) const override {
    const AttentionSpec& a = std::get<AttentionSpec>(s);
    return reference ? check_attention_against(a, *reference, outputs, tolerance_c)
                     : check_attention(a, inputs, outputs, tolerance_c);
  }

  void write_spec(const WorkloadSpec& s, SpecAttributeWriter& out) const override {
    const AttentionSpec& a = std::get<AttentionSpec>(s);
    out.put("batch", a.batch);
    out.put("q-heads", a.q_heads);
    out.put("kv-heads", a.kv_heads);
    out.put("q-len", a.q_len);
    out.put("kv-len", a.kv_len);
    out.put("head-dim", a.head_dim);
    out.put("causal", a.causal);
    out.put("dtype", dtype_name(a.dtype));
    out.put("scale", a.softmax_scale());
  }
  WorkloadSpec read_spec(const SpecAttributeReader& in) const override {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    AttentionSpec a;
    a.batch = in.integer("batch", 1, kMax);
    a.q_heads = in.integer("q-heads", 1, kMax);
    a.kv_heads = in.integer("kv-heads", 1, kMax);
    a.q_len = in.integer("q-len", 1, kMax);
    a.kv_len = in.integer("kv-len", 1, kMax);
    a.head_dim = in.integer("head-dim", 1, kMax);
    a.causal = in.boolean("causal");
    a.dtype = in.enumerated("dtype", &parse_dtype, "dtype");
    a.scale = in.real("scale");
    return a;
  }
};

}  // namespace

template <>
const Workload& descriptor_for<AttentionSpec>() {
  static const AttentionWorkload w;
  return w;
}

}  // namespace aicert
