// Stream inputs, exact expected results and check, and the stream descriptor; see
// stream_workload.h.
#include "workloads/stream_workload.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "workloads/error_metrics.h"
#include "workloads/seeded_inputs.h"

namespace aicert {

namespace {
constexpr std::uint64_t kStreamA = 21, kStreamB = 22;
constexpr double kDefaultArrayBytes = 256.0 * 1024 * 1024;

// Integers -m..m from the seeded stream: seeded_uniform is in [-1, 1), mapped onto 2m+1 values.
void fill_integers(Tensor& t, std::uint64_t seed, std::uint64_t stream) {
  auto* v = static_cast<float*>(t.data());
  const auto n = static_cast<std::int64_t>(t.elements());
  const double m = kStreamInputBound;
#pragma omp parallel for schedule(static) if (n >= kParallelFillElements)
  for (std::int64_t i = 0; i < n; ++i) {
    const double u =
        (static_cast<double>(seeded_uniform(seed, stream, static_cast<std::uint64_t>(i))) + 1.0) /
        2.0;
    v[i] = static_cast<float>(std::min(std::floor(u * (2 * m + 1)), 2 * m) - m);
  }
}
}  // namespace

HostTensors make_stream_tensors(const StreamSpec& s, std::uint64_t seed) {
  HostTensors h;
  h.tensors.push_back(make_tensor("A", s.dtype, {s.count}, false));
  fill_integers(h.tensors.back(), seed, kStreamA);
  if (s.arrays_read() == 2) {
    h.tensors.push_back(make_tensor("B", s.dtype, {s.count}, false));
    fill_integers(h.tensors.back(), seed, kStreamB);
  }
  const bool dot = s.op == StreamOp::dot;
  h.tensors.push_back(make_tensor(dot ? "S" : "C", s.dtype, {dot ? 1 : s.count}, true));
  Tensor& out = h.tensors.back();
  std::fill_n(static_cast<float*>(out.data()), out.elements(), 0.0f);
  return h;
}

Tolerance stream_tolerance(const StreamSpec& s) {
  Tolerance t;
  t.exact = true;
  t.u_out = unit_roundoff(s.dtype);
  t.g_formula = "exact: integer inputs in [-" + std::to_string(kStreamInputBound) + ", " +
                std::to_string(kStreamInputBound) + "]" +
                (s.op == StreamOp::dot ? ", dot accumulated in fp64" : "");
  return t;
}

CheckResult check_stream(const StreamSpec& s, const HostTensors& inputs,
                         const HostTensors& outputs) {
  const auto* a = static_cast<const float*>(inputs.at("A").data());
  const float* b =
      s.arrays_read() == 2 ? static_cast<const float*>(inputs.at("B").data()) : nullptr;
  const auto n = s.count;
  constexpr double k = kStreamScalar;
  if (s.op == StreamOp::dot) {
    double sum = 0;  // exact (stream_workload.h): the order does not matter
#pragma omp parallel for reduction(+ : sum) schedule(static) if (n >= kParallelFillElements)
    for (std::int64_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * b[i];
    const double expected = static_cast<float>(sum);  // rounded once to the output type
    return compare_with_reference(outputs.at("S"), &expected, nullptr, stream_tolerance(s));
  }
  std::vector<double> expected(static_cast<std::size_t>(n));
#pragma omp parallel for schedule(static) if (n >= kParallelFillElements)
  for (std::int64_t i = 0; i < n; ++i) {
    const double x = a[i];
    double y = 0;
    switch (s.op) {
      case StreamOp::copy: y = x; break;
      case StreamOp::mul: y = k * x; break;
      case StreamOp::add: y = x + b[i]; break;
      case StreamOp::triad: y = x + k * b[i]; break;
      case StreamOp::dot: break;
    }
    expected[static_cast<std::size_t>(i)] = y;
  }
  return compare_with_reference(outputs.at("C"), expected.data(), nullptr, stream_tolerance(s));
}

namespace {

class StreamWorkload final : public Workload {
 public:
  std::string_view name() const override { return StreamSpec::kWorkload; }
  std::string_view description() const override {
    return "memory bandwidth: copy, mul, add, triad, dot (BabelStream) over arrays of the sizes "
           "given (default 256 MiB each); fp32; exact check; reports GB/s";
  }
  std::size_t variant_index() const override { return variant_index_of<StreamSpec>(); }
  Figure figure() const override { return Figure::gbps; }

  // Arrays larger than the caches take memory and time: run when asked for and in profiles.
  bool in_default_run() const override { return false; }
  bool claims_shape(std::string_view) const override { return false; }
  WorkloadOptionSet options() const override { return kOptOps | kOptSizes; }
  std::vector<DType> dtypes() const override { return {DType::fp32}; }
  std::vector<DType> default_dtypes() const override { return dtypes(); }

  std::vector<WorkloadSpec> plan_specs(const WorkloadOptions& o, double max_bytes) const override {
    std::vector<StreamOp> ops;
    if (o.ops.empty()) ops.assign(kStreamOps.begin(), kStreamOps.end());
    for (const auto& name : o.ops) {
      const auto op = parse_stream_op(name);
      if (!op) {
        throw WorkloadOptionError{"unknown stream op '" + name + "' (known: " + kStreamOpNames +
                                  ")"};
      }
      ops.push_back(*op);
    }
    const std::vector<double> sizes =
        o.sizes.empty() ? std::vector<double>{kDefaultArrayBytes} : o.sizes;
    std::vector<WorkloadSpec> specs;
    for (StreamOp op : ops) {
      for (DType t : dtypes_to_run(*this, o)) {
        for (double bytes : sizes) {
          if (!(bytes >= 1) || !std::isfinite(bytes)) {
            throw WorkloadOptionError{"stream array sizes must be at least 1 byte"};
          }
          StreamSpec s;
          s.op = op;
          s.dtype = t;
          s.count = elements_in(bytes, t, "stream array size");
          if (std::string why = validate_stream_spec(s, max_bytes); !why.empty()) {
            throw WorkloadOptionError{why};
          }
          specs.push_back(s);
        }
      }
    }
    return specs;
  }

  std::string check_item(WorkloadOption option, std::string_view item) const override {
    if (option != kOptOps || parse_stream_op(item)) return "";
    return "unknown stream op (known: " + std::string(kStreamOpNames) + ")";
  }

  double device_bytes(const WorkloadSpec& s, int /*devices*/) const override {
    return std::get<StreamSpec>(s).bytes();  // the arrays the op reads and writes
  }

  // Its figure is the bandwidth itself, the roofline's other ceiling.
  double roofline_bytes(const WorkloadSpec&) const override { return 0; }
  std::string validate(const WorkloadSpec& s, double max_bytes) const override {
    return validate_stream_spec(std::get<StreamSpec>(s), max_bytes);
  }
  std::string shape(const WorkloadSpec& s) const override {
    return std::get<StreamSpec>(s).shape_string();
  }
  std::string shape_variant(const WorkloadSpec&) const override { return ""; }
  std::string size_series(const WorkloadSpec& s) const override {
    const StreamSpec& c = std::get<StreamSpec>(s);
    return std::string(stream_op_name(c.op)) + " " + std::string(dtype_name(c.dtype));
  }
  std::string headline(const WorkloadSpec& s) const override {
    // Triad is BabelStream's headline: two arrays read, one written.
    const StreamSpec& c = std::get<StreamSpec>(s);
    if (c.op != StreamOp::triad) return "";
    return "stream triad " + std::string(dtype_name(c.dtype));
  }
  std::optional<Bandwidth> bandwidth(const WorkloadSpec& s, double median_ms) const override {
    if (!(median_ms > 0)) return std::nullopt;
    return bandwidth_at(std::get<StreamSpec>(s).bytes(), 1.0, median_ms);
  }

  HostTensors make_tensors(const WorkloadSpec& s, std::uint64_t seed) const override {
    return make_stream_tensors(std::get<StreamSpec>(s), seed);
  }
  std::optional<ReferenceCache::Lookup> reference(const WorkloadSpec&,
                                                  const HostTensors&) const override {
    return std::nullopt;  // exact: the expected result is computed from the inputs in the check
  }
  CheckResult check(const WorkloadSpec& s, double, const HostTensors& inputs,
                    const HostTensors& outputs, const Reference*) const override {
    return check_stream(std::get<StreamSpec>(s), inputs, outputs);
  }

  void write_spec(const WorkloadSpec& s, SpecAttributeWriter& out) const override {
    const StreamSpec& c = std::get<StreamSpec>(s);
    out.put("op", stream_op_name(c.op));
    out.put("count", c.count);
    out.put("dtype", dtype_name(c.dtype));
  }
  WorkloadSpec read_spec(const SpecAttributeReader& in) const override {
    StreamSpec c;
    c.op = in.enumerated("op", &parse_stream_op, "stream op (" + std::string(kStreamOpNames) + ")");
    c.count = in.integer("count", 1, std::numeric_limits<std::int64_t>::max());
    c.dtype = in.enumerated("dtype", &parse_dtype, "dtype");
    return c;
  }
};

}  // namespace

template <>
const Workload& descriptor_for<StreamSpec>() {
  static const StreamWorkload w;
  return w;
}

}  // namespace aicert
