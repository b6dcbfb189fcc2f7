// Peak inputs, exact expected result and check, and the peak descriptor; see peak_workload.h.
#include "workloads/peak_workload.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "workloads/error_metrics.h"
#include "workloads/seeded_inputs.h"

namespace aicert {

namespace {
constexpr std::uint64_t kStreamX = 31, kStreamA = 32;
constexpr std::int64_t kDefaultLanes = 1 << 20;
constexpr std::int64_t kDefaultSteps = 4097;

// Integers lo..hi from the seeded stream (seeded_uniform is in [-1, 1)).
double seeded_integer(std::uint64_t seed, std::uint64_t stream, std::uint64_t i, int lo, int hi) {
  const double u = (static_cast<double>(seeded_uniform(seed, stream, i)) + 1.0) / 2.0;
  return std::min(std::floor(u * (hi - lo + 1)), static_cast<double>(hi - lo)) + lo;
}

double sum_of(const Tensor& a) {
  double s = 0;
  for (std::size_t k = 0; k < a.elements(); ++k) s += load_as_float(a.data(), a.dtype, k);
  return s;
}
}  // namespace

HostTensors make_peak_tensors(const PeakSpec& s, std::uint64_t seed) {
  HostTensors h;
  h.tensors.push_back(make_tensor("X", DType::fp32, {s.lanes}, false));
  auto* x = static_cast<float*>(h.tensors.back().data());
#pragma omp parallel for schedule(static) if (s.lanes >= kParallelFillElements)
  for (std::int64_t i = 0; i < s.lanes; ++i) {
    x[i] = static_cast<float>(
        seeded_integer(seed, kStreamX, static_cast<std::uint64_t>(i), -kPeakInputBound,
                       kPeakInputBound));
  }
  h.tensors.push_back(make_tensor("A", s.dtype, {s.depth()}, false));
  Tensor& a = h.tensors.back();
  for (int k = 0; k < s.depth(); ++k) {
    store_from_float(a.data(), s.dtype, static_cast<std::size_t>(k),
                     static_cast<float>(seeded_integer(seed, kStreamA, k, 1, 3)));
  }
  h.tensors.push_back(make_tensor("Y", DType::fp32, {s.lanes}, true));
  Tensor& y = h.tensors.back();
  std::fill_n(static_cast<float*>(y.data()), y.elements(), 0.0f);
  return h;
}

Tolerance peak_tolerance(const PeakSpec& s) {
  Tolerance t;
  t.exact = true;
  t.u_acc = unit_roundoff(DType::fp32);
  t.u_out = unit_roundoff(DType::fp32);
  t.g_formula = "exact: Y = X + sum(A) after an odd number of steps of +-sum(A) (integers, " +
                std::to_string(s.depth()) + " products per step)";
  return t;
}

CheckResult check_peak(const PeakSpec& s, const HostTensors& inputs, const HostTensors& outputs) {
  const auto* x = static_cast<const float*>(inputs.at("X").data());
  const double add = sum_of(inputs.at("A"));
  std::vector<double> expected(static_cast<std::size_t>(s.lanes));
  for (std::int64_t i = 0; i < s.lanes; ++i) expected[static_cast<std::size_t>(i)] = x[i] + add;
  return compare_with_reference(outputs.at("Y"), expected.data(), nullptr, peak_tolerance(s));
}

namespace {

class PeakWorkload final : public Workload {
 public:
  std::string_view name() const override { return PeakSpec::kWorkload; }
  std::string_view description() const override {
    return "compute peak: multiply-add loops per unit (vector, matrix) and input type into fp32 "
           "accumulators, shapes UNIT:LANESxSTEPS (default vector:1048576x4097, "
           "matrix:1048576x4097); exact check; reports GFLOP/s, the ceiling of the roofline";
  }
  std::size_t variant_index() const override { return variant_index_of<PeakSpec>(); }
  Figure figure() const override { return Figure::gflops; }

  bool in_default_run() const override { return false; }
  bool claims_shape(std::string_view shape) const override {
    return shape.find(':') != std::string_view::npos;
  }
  WorkloadOptionSet options() const override { return kOptShapes; }
  std::vector<DType> dtypes() const override { return {DType::fp32, DType::bf16, DType::fp16}; }
  std::vector<DType> default_dtypes() const override { return dtypes(); }

  // Shape by shape, then dtype; a unit's impossible dtype (matrix fp32) is left out of a
  // selection rather than refused, so "every dtype on both units" is the default.
  std::vector<WorkloadSpec> plan_specs(const WorkloadOptions& o, double max_bytes) const override {
    std::vector<PeakSpec> shapes;
    if (o.shapes.empty()) {
      for (PeakUnit u : {PeakUnit::vector, PeakUnit::matrix}) {
        PeakSpec s;
        s.unit = u;
        s.lanes = kDefaultLanes;
        s.steps = kDefaultSteps;
        shapes.push_back(s);
      }
    }
    for (const auto& text : o.shapes) {
      std::string error;
      const auto s = parse_peak_shape(text, &error);
      if (!s) throw WorkloadOptionError{error};
      shapes.push_back(*s);
    }
    const std::vector<DType> types = dtypes_to_run(*this, o);
    std::vector<WorkloadSpec> specs;
    for (const PeakSpec& shape : shapes) {
      for (DType t : types) {
        PeakSpec s = shape;
        s.dtype = t;
        if (s.unit == PeakUnit::matrix && t == DType::fp32) continue;
        if (std::string why = validate_peak_spec(s, max_bytes); !why.empty()) {
          throw WorkloadOptionError{why};
        }
        specs.push_back(s);
      }
    }
    if (specs.empty()) {
      throw WorkloadOptionError{"matrix units multiply 16-bit inputs: a matrix peak is fp16 or "
                                "bf16, not fp32"};
    }
    return specs;
  }

  std::string check_item(WorkloadOption option, std::string_view item) const override {
    if (option != kOptShapes) return "";
    std::string error;
    auto s = parse_peak_shape(item, &error);
    if (!s) return error;
    if (s->unit == PeakUnit::matrix) s->dtype = DType::bf16;  // the dtypes are checked apart
    return validate_peak_spec(*s, std::numeric_limits<double>::infinity());
  }

  double device_bytes(const WorkloadSpec& s, int) const override {
    return std::get<PeakSpec>(s).bytes();
  }
  double roofline_bytes(const WorkloadSpec& s) const override {
    return std::get<PeakSpec>(s).bytes();
  }
  std::string validate(const WorkloadSpec& s, double max_bytes) const override {
    return validate_peak_spec(std::get<PeakSpec>(s), max_bytes);
  }
  std::string shape(const WorkloadSpec& s) const override {
    return std::get<PeakSpec>(s).shape_string();
  }
  std::string shape_variant(const WorkloadSpec&) const override { return ""; }
  std::string size_series(const WorkloadSpec&) const override { return ""; }
  std::string headline(const WorkloadSpec& s) const override {
    const PeakSpec& p = std::get<PeakSpec>(s);
    return "peak " + std::string(peak_unit_name(p.unit)) + " " + std::string(dtype_name(p.dtype));
  }
  std::optional<Bandwidth> bandwidth(const WorkloadSpec&, double) const override {
    return std::nullopt;
  }

  HostTensors make_tensors(const WorkloadSpec& s, std::uint64_t seed) const override {
    return make_peak_tensors(std::get<PeakSpec>(s), seed);
  }
  std::optional<ReferenceCache::Lookup> reference(const WorkloadSpec&,
                                                  const HostTensors&) const override {
    return std::nullopt;  // exact: computed from the inputs in the check
  }
  CheckResult check(const WorkloadSpec& s, double, const HostTensors& inputs,
                    const HostTensors& outputs, const Reference*) const override {
    return check_peak(std::get<PeakSpec>(s), inputs, outputs);
  }

  void write_spec(const WorkloadSpec& s, SpecAttributeWriter& out) const override {
    const PeakSpec& p = std::get<PeakSpec>(s);
    out.put("unit", peak_unit_name(p.unit));
    out.put("lanes", p.lanes);
    out.put("steps", p.steps);
    out.put("dtype", dtype_name(p.dtype));
  }
  WorkloadSpec read_spec(const SpecAttributeReader& in) const override {
    PeakSpec p;
    p.unit = in.enumerated("unit", &parse_peak_unit, "peak unit (vector, matrix)");
    p.lanes = in.integer("lanes", 1, std::numeric_limits<std::int64_t>::max());
    p.steps = in.integer("steps", 1, std::numeric_limits<std::int64_t>::max());
    p.dtype = in.enumerated("dtype", &parse_dtype, "dtype");
    return p;
  }
};

}  // namespace

template <>
const Workload& descriptor_for<PeakSpec>() {
  static const PeakWorkload w;
  return w;
}

}  // namespace aicert
