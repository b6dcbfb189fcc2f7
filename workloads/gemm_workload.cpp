// GEMM operands, tolerance and check (the fp64 reference is gemm_reference.cpp).
#include "workloads/gemm_workload.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "workloads/error_metrics.h"
#include "workloads/seeded_inputs.h"

namespace aicert {

namespace {
// Streams of the seeded generator, one per operand.
enum Stream : std::uint64_t { kStreamA = 1, kStreamB = 2, kStreamC = 3 };

// Fills a rows x cols operand by its logical (row-major) index, whatever its storage: the
// layouts of one seed and shape are then one problem, with one reference.
void fill_seeded_matrix(Tensor& t, std::uint64_t seed, std::uint64_t stream, std::int64_t rows,
                        std::int64_t cols, bool stored_transposed) {
  if (!stored_transposed) {
    fill_seeded(t, seed, stream);
    return;
  }
  // Walks the storage in order (each thread its own stored rows) and draws each element by its
  // logical index (r, c), which sits at storage (c, r).
  void* data = t.data();
  const DType dtype = t.dtype;
#pragma omp parallel for schedule(static) if (rows * cols >= kParallelFillElements)
  for (std::int64_t c = 0; c < cols; ++c) {
    for (std::int64_t r = 0; r < rows; ++r) {
      store_from_float(data, dtype, static_cast<std::size_t>(c * rows + r),
                       seeded_uniform(seed, stream, static_cast<std::uint64_t>(r * cols + c)));
    }
  }
}
}  // namespace

HostTensors make_gemm_tensors(const GemmSpec& s, std::uint64_t seed) {
  HostTensors h;
  h.tensors.push_back(s.a_transposed() ? make_tensor("A", s.dtype, {s.k, s.m}, false)
                                       : make_tensor("A", s.dtype, {s.m, s.k}, false));
  h.tensors.push_back(s.b_transposed() ? make_tensor("B", s.dtype, {s.n, s.k}, false)
                                       : make_tensor("B", s.dtype, {s.k, s.n}, false));
  h.tensors.push_back(make_tensor("C", s.output_dtype(), {s.m, s.n}, true));
  fill_seeded_matrix(h.at("A"), seed, kStreamA, s.m, s.k, s.a_transposed());
  fill_seeded_matrix(h.at("B"), seed, kStreamB, s.k, s.n, s.b_transposed());
  fill_seeded(h.at("C"), seed, kStreamC);
  return h;
}

Tolerance gemm_tolerance(const GemmSpec& s) {
  Tolerance t;
  t.c = 3.0;
  t.u_acc = unit_roundoff(DType::fp32);
  t.u_out = unit_roundoff(s.output_dtype());
  t.g = std::sqrt(static_cast<double>(s.k)) + 2.0;
  t.g_formula = "sqrt(K)+2";
  if (s.dtype == DType::fp8e4m3) {
    // fp8 tensor cores (Hopper) keep about 14 bits of a partial sum, truncated (2^-13), before
    // it is promoted to fp32 (cuBLASLt does so unless fast accumulation is asked for): at most
    // 2^-13 of the |A||B| that the partial sums cover, on top of the fp32 sum. Measured on an
    // H100 (cuBLASLt 13.1, 8192^3): the errors are the bf16 output rounding alone.
    t.g += std::ldexp(1.0, -13) / t.u_acc;
    t.g_formula = "sqrt(K)+2+2^11 (fp8 tensor-core partial sums of 14 bits, promoted to fp32)";
  }
  t.tiny = smallest_subnormal(s.output_dtype());
  return t;
}

ReferenceCache::Lookup cached_gemm_reference(const GemmSpec& spec, const HostTensors& inputs) {
  return process_reference_cache().get_or_compute(gemm_reference_key(spec, inputs),
                                                  [&] { return gemm_reference(spec, inputs); });
}

CheckResult check_gemm_against(const GemmSpec& spec, const Reference& ref,
                               const HostTensors& outputs, double c_override) {
  Tolerance tolerance = gemm_tolerance(spec);
  if (c_override > 0) tolerance.c = c_override;
  return compare_with_reference(outputs.at("C"), ref.value.data(), ref.magnitude.data(), tolerance);
}

CheckResult check_gemm(const GemmSpec& spec, const HostTensors& inputs, const HostTensors& outputs,
                       double c_override) {
  return check_gemm_against(spec, *cached_gemm_reference(spec, inputs).reference, outputs,
                            c_override);
}

namespace {

struct DefaultGemmShape {
  const char* shape;
  GemmLayout layout;
};
// Small enough for a quick run on two cores, awkward enough to exercise edges and layouts.
constexpr DefaultGemmShape kDefaultGemmShapes[] = {
    {"512x512x512", GemmLayout::NN},
    {"257x129x300", GemmLayout::NT},
    {"128x384x96", GemmLayout::TN},
};

// GEMM shapes may be given as one comma-separated list ("64x64x64,8x8x8").
std::vector<std::string> split_shapes(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t comma = text.find(',', pos);
    out.push_back(text.substr(pos, comma == std::string::npos ? comma : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

class GemmWorkload final : public Workload {
 public:
  std::string_view name() const override { return GemmSpec::kWorkload; }
  std::string_view description() const override {
    return "C = alpha*op(A)*op(B) + beta*C, row-major; layouts NN NT TN; fp32 fp16 bf16 "
           "inputs with fp32 accumulation";
  }
  std::size_t variant_index() const override { return variant_index_of<GemmSpec>(); }
  Figure figure() const override { return Figure::gflops; }

  bool in_default_run() const override { return true; }
  bool claims_shape(std::string_view shape) const override {
    // Every shape with an x or without a comma (so that a malformed one gets GEMM's error),
    // but the peak's UNIT:LANESxSTEPS.
    if (shape.find(':') != std::string_view::npos) return false;
    return shape.find('x') != std::string_view::npos || shape.find(',') == std::string_view::npos;
  }
  WorkloadOptionSet options() const override { return kOptShapes | kOptLayouts | kOptAlphaBeta; }
  std::vector<DType> dtypes() const override {
    return {DType::fp32, DType::fp16, DType::bf16, DType::fp8e4m3};
  }
  std::vector<DType> default_dtypes() const override {
    return {DType::fp32, DType::fp16, DType::bf16};
  }

  // Shape by shape, dtype by dtype, then layout: consecutive cases of one shape and dtype share
  // one reference (the layouts multiply the same logical matrices).
  std::vector<WorkloadSpec> plan_specs(const WorkloadOptions& o, double max_bytes) const override {
    std::vector<GemmLayout> layouts;
    for (const auto& name : o.layouts) {
      const auto l = parse_layout(name);
      if (!l) throw WorkloadOptionError{"unknown layout '" + name + "' (known: NN, NT, TN)"};
      layouts.push_back(*l);
    }
    struct Shape {
      GemmSpec spec;
      std::vector<GemmLayout> layouts;
    };
    std::vector<Shape> shapes;
    auto add_shape = [&](const std::string& text, GemmLayout default_layout) {
      std::string error;
      auto spec = parse_gemm_shape(text, &error);
      if (!spec) throw WorkloadOptionError{error};
      spec->alpha = o.alpha;
      spec->beta = o.beta;
      shapes.push_back(
          {*spec, layouts.empty() ? std::vector<GemmLayout>{default_layout} : layouts});
    };
    if (o.shapes.empty()) {
      for (const auto& d : kDefaultGemmShapes) add_shape(d.shape, d.layout);
    } else {
      for (const auto& given : o.shapes) {
        for (const auto& s : split_shapes(given)) add_shape(s, GemmLayout::NN);
      }
    }
    std::vector<WorkloadSpec> specs;
    for (const auto& shape : shapes) {
      for (DType t : dtypes_to_run(*this, o)) {
        for (GemmLayout l : shape.layouts) {
          GemmSpec s = shape.spec;
          s.dtype = t;
          s.layout = l;
          if (std::string why = validate_gemm_spec(s, max_bytes); !why.empty()) {
            throw WorkloadOptionError{why};
          }
          specs.push_back(s);
        }
      }
    }
    return specs;
  }

  std::string check_item(WorkloadOption option, std::string_view item) const override {
    if (option == kOptLayouts) {
      return parse_layout(item) ? std::string() : std::string("unknown layout (known: NN, NT, TN)");
    }
    if (option != kOptShapes) return "";
    std::string error;
    const auto spec = parse_gemm_shape(item, &error);
    return spec ? validate_gemm_spec(*spec, std::numeric_limits<double>::infinity()) : error;
  }

  double device_bytes(const WorkloadSpec& s, int /*devices*/) const override {
    return std::get<GemmSpec>(s).operand_bytes();
  }

  double roofline_bytes(const WorkloadSpec& s) const override {
    // A and B read, C written, and C read too where beta brings it in.
    const GemmSpec& g = std::get<GemmSpec>(s);
    const double c = static_cast<double>(dtype_size(g.output_dtype())) * g.m * g.n;
    return g.operand_bytes() + (g.beta != 0 ? c : 0);
  }
  std::string validate(const WorkloadSpec& s, double max_bytes) const override {
    return validate_gemm_spec(std::get<GemmSpec>(s), max_bytes);
  }
  std::string shape(const WorkloadSpec& s) const override {
    return std::get<GemmSpec>(s).shape_string();
  }
  std::string shape_variant(const WorkloadSpec& s) const override {
    return std::string(layout_name(std::get<GemmSpec>(s).layout));
  }
  std::string size_series(const WorkloadSpec&) const override { return ""; }
  std::string headline(const WorkloadSpec& s) const override {
    return "GEMM " + std::string(dtype_name(std::get<GemmSpec>(s).dtype));
  }
  std::optional<Bandwidth> bandwidth(const WorkloadSpec&, double) const override {
    return std::nullopt;
  }

  HostTensors make_tensors(const WorkloadSpec& s, std::uint64_t seed) const override {
    return make_gemm_tensors(std::get<GemmSpec>(s), seed);
  }
  std::optional<ReferenceCache::Lookup> reference(const WorkloadSpec& s,
                                                  const HostTensors& inputs) const override {
    return cached_gemm_reference(std::get<GemmSpec>(s), inputs);
  }
  CheckResult check(const WorkloadSpec& s, double tolerance_c, const HostTensors& inputs,
                    const HostTensors& outputs, const Reference* reference) const override {
    const GemmSpec& g = std::get<GemmSpec>(s);
    return reference ? check_gemm_against(g, *reference, outputs, tolerance_c)
                     : check_gemm(g, inputs, outputs, tolerance_c);
  }

  void write_spec(const WorkloadSpec& s, SpecAttributeWriter& out) const override {
    const GemmSpec& g = std::get<GemmSpec>(s);
    out.put("m", g.m);
    out.put("n", g.n);
    out.put("k", g.k);
    out.put("layout", layout_name(g.layout));
    out.put("dtype", dtype_name(g.dtype));
    out.put("alpha", g.alpha);
    out.put("beta", g.beta);
  }
  WorkloadSpec read_spec(const SpecAttributeReader& in) const override {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    GemmSpec g;
    g.m = in.integer("m", 0, kMax);
    g.n = in.integer("n", 0, kMax);
    g.k = in.integer("k", 0, kMax);
    g.layout = in.enumerated("layout", &parse_layout, "GEMM layout (NN, NT, TN)");
    g.dtype = in.enumerated("dtype", &parse_dtype, "dtype");
    g.alpha = in.real("alpha");
    g.beta = in.real("beta");
    return g;
  }
};

}  // namespace

template <>
const Workload& descriptor_for<GemmSpec>() {
  static const GemmWorkload w;
  return w;
}

}  // namespace aicert
