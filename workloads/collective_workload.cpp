// Collective inputs, exact reference and check; see collective_workload.h.
#include "workloads/collective_workload.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "workloads/collective_layout.h"
#include "workloads/error_metrics.h"
#include "workloads/seeded_inputs.h"

namespace aicert {

namespace {
constexpr std::uint64_t kStreamX = 11;

std::int64_t exact_integer_limit(DType t) {
  switch (t) {
    case DType::fp32:
      return std::int64_t{1} << 24;
    case DType::fp16:
      return std::int64_t{1} << 11;
    case DType::bf16:
      return std::int64_t{1} << 8;
    case DType::int32:
      return std::int64_t{1} << 24;
    case DType::fp8e4m3:  // refused by validate_collective_spec
      return std::int64_t{1} << 4;
  }
  return 0;
}

std::vector<std::int64_t> dims_of(const CollectiveSpec& s, std::int64_t elements) {
  if (elements == s.count * s.ranks && s.op != CollectiveOp::alltoall) return {s.ranks, s.count};
  if (s.op == CollectiveOp::pairs && elements == s.count * s.ranks * s.ranks) {
    return {s.ranks, s.ranks * s.count};
  }
  return {elements};
}
}  // namespace

std::int64_t collective_input_bound(const CollectiveSpec& s) {
  return exact_integer_limit(s.dtype) / std::max(1, s.ranks);
}

HostTensors make_collective_tensors(const CollectiveSpec& s, std::uint64_t seed) {
  HostTensors h;
  const std::int64_t nx = collective_input_elements(s), ny = collective_output_elements(s);
  h.tensors.push_back(make_tensor("X", s.dtype, dims_of(s, nx), false));
  h.tensors.push_back(make_tensor("Y", s.dtype, dims_of(s, ny), true));
  const double m = static_cast<double>(collective_input_bound(s));
  Tensor& x = h.at("X");
  for (std::int64_t i = 0; i < nx; ++i) {
    // seeded_uniform is in [-1, 1): map it onto the 2m+1 integers -m..m.
    const double u =
        (static_cast<double>(seeded_uniform(seed, kStreamX, static_cast<std::uint64_t>(i))) + 1.0) /
        2.0;
    const double v = std::min(std::floor(u * (2 * m + 1)), 2 * m) - m;
    store_from_float(x.data(), s.dtype, static_cast<std::size_t>(i), static_cast<float>(v));
  }
  Tensor& y = h.at("Y");
  for (std::int64_t i = 0; i < ny; ++i)
    store_from_float(y.data(), s.dtype, static_cast<std::size_t>(i), 0.0f);
  return h;
}

Tolerance collective_tolerance(const CollectiveSpec& s) {
  Tolerance t;
  t.exact = true;
  t.u_out = unit_roundoff(s.dtype);
  t.g_formula = "exact: integer inputs in [-" + std::to_string(collective_input_bound(s)) + ", " +
                std::to_string(collective_input_bound(s)) + "]";
  return t;
}

CheckResult check_collective(const CollectiveSpec& s, const HostTensors& inputs,
                             const HostTensors& outputs) {
  const Tensor& x = inputs.at("X");
  auto in = [&](int rank, std::int64_t i) {
    return static_cast<double>(load_as_float(
        x.data(), x.dtype, static_cast<std::size_t>(collective_input_span(s, rank).offset + i)));
  };
  // reduced(i): the reduction over ranks of element i of the full buffers.
  auto reduced = [&](std::int64_t i) {
    double acc = in(0, i);
    for (int r = 1; r < s.ranks; ++r) {
      acc = s.reduce == ReduceOp::sum ? acc + in(r, i) : std::max(acc, in(r, i));
    }
    return acc;
  };
  std::vector<double> ref(static_cast<std::size_t>(collective_output_elements(s)), 0.0);
  for (int r = 0; r < s.ranks; ++r) {
    const ElementSpan out = collective_output_span(s, r);
    double* y = ref.data() + out.offset;
    switch (s.op) {
      case CollectiveOp::allreduce:
        for (std::int64_t i = 0; i < s.count; ++i)
          y[i] = r == 0 ? reduced(i) : ref[static_cast<std::size_t>(i)];
        break;
      case CollectiveOp::broadcast:
        for (std::int64_t i = 0; i < s.count; ++i) y[i] = in(s.root, i);
        break;
      case CollectiveOp::reducescatter: {
        const std::int64_t off = block_offset(s.count, s.ranks, r);
        for (std::int64_t i = 0; i < out.count; ++i) y[i] = reduced(off + i);
        break;
      }
      case CollectiveOp::allgather:
        for (int j = 0; j < s.ranks; ++j) {
          const std::int64_t off = block_offset(s.count, s.ranks, j);
          for (std::int64_t i = 0; i < block_count(s.count, s.ranks, j); ++i) y[off + i] = in(j, i);
        }
        break;
      case CollectiveOp::alltoall: {
        const std::int64_t bc = block_count(s.count, s.ranks, r);
        const std::int64_t off = block_offset(s.count, s.ranks, r);
        for (int i = 0; i < s.ranks; ++i) {
          for (std::int64_t e = 0; e < bc; ++e) y[i * bc + e] = in(i, off + e);
        }
        break;
      }
      case CollectiveOp::pairs:
        for (int j = 0; j < s.ranks; ++j) {
          for (std::int64_t i = 0; i < s.count; ++i) y[j * s.count + i] = in(j, i);
        }
        break;
    }
  }
  // The check is exact: no magnitude (it would be as large as the reference and all zero).
  return compare_with_reference(outputs.at("Y"), ref.data(), nullptr, collective_tolerance(s));
}

namespace {

constexpr const char* kDefaultCollectiveOps[] = {"allreduce-sum",     "allreduce-max", "allgather",
                                                 "reducescatter-sum", "broadcast",     "alltoall"};
constexpr int kMaxSweepSizes = 1000;  // message sizes of one sweep (powers of two: 2^1000 B)

class CollectiveWorkload final : public Workload {
 public:
  std::string_view name() const override { return CollectiveSpec::kWorkload; }
  std::string_view description() const override {
    return "allreduce (sum, max), allgather, reducescatter, broadcast, alltoall over N ranks, and pairs (a point-to-point sweep, by name); "
           "fp32 bf16 fp16 int32; message sizes swept; exact check";
  }
  std::size_t variant_index() const override { return variant_index_of<CollectiveSpec>(); }
  Figure figure() const override { return Figure::busbw_gbps; }

  // The sweep (8 B to 64 MiB) runs when asked for and in the certification profiles.
  bool in_default_run() const override { return false; }
  bool claims_shape(std::string_view) const override { return false; }
  WorkloadOptionSet options() const override { return kOptOps | kOptRanks | kOptSizes | kOptRoot; }
  std::vector<DType> dtypes() const override {
    return {DType::fp32, DType::bf16, DType::fp16, DType::int32};
  }
  std::vector<DType> default_dtypes() const override { return dtypes(); }

  std::vector<WorkloadSpec> plan_specs(const WorkloadOptions& o, double max_bytes) const override {
    std::vector<OpChoice> ops;
    auto add_op = [&](const std::string& text) {
      const auto choice = parse_op_choice(text);
      if (!choice) {
        throw WorkloadOptionError{"unknown collective op '" + text + "' (known: " + kOpChoiceNames +
                                  ")"};
      }
      ops.push_back(*choice);
    };
    if (o.ops.empty()) {
      for (const char* name : kDefaultCollectiveOps) add_op(name);
    } else {
      for (const auto& name : o.ops) add_op(name);
    }
    const std::vector<int> ranks = o.ranks.empty() ? std::vector<int>{o.default_ranks} : o.ranks;
    if (!(o.min_bytes >= 1) || !(o.max_bytes >= o.min_bytes) || !std::isfinite(o.max_bytes)) {
      throw WorkloadOptionError{"message sizes: need 1 <= --min-bytes <= --max-bytes"};
    }
    if (!(o.size_factor > 1) || !std::isfinite(o.size_factor)) {
      throw WorkloadOptionError{"--size-factor must be a number greater than 1"};
    }
    std::vector<double> sizes = o.sizes;
    if (sizes.empty()) {
      // A sweep of more sizes than anyone reads in a chart is a typo (a factor of 1.0000001),
      // and would take forever to plan and run.
      const double steps = std::log(o.max_bytes / o.min_bytes) / std::log(o.size_factor);
      if (!(steps < kMaxSweepSizes)) {
        throw WorkloadOptionError{"message sizes: --min-bytes to --max-bytes by --size-factor is "
                                  "more than " + std::to_string(kMaxSweepSizes) +
                                  " sizes; use a larger factor"};
      }
      for (double b = o.min_bytes; b <= o.max_bytes * (1 + 1e-12); b *= o.size_factor) {
        sizes.push_back(std::floor(b));
      }
    }
    for (double b : sizes) {
      if (!(b >= 1) || !std::isfinite(b)) {
        throw WorkloadOptionError{"message sizes must be at least 1 byte"};
      }
    }

    std::vector<WorkloadSpec> specs;
    for (const OpChoice& op : ops) {
      for (DType t : dtypes_to_run(*this, o)) {
        for (int n : ranks) {
          std::int64_t last_count = 0;
          for (double bytes : sizes) {
            CollectiveSpec s;
            s.op = op.op;
            s.reduce = op.reduce;
            s.ranks = n;
            s.dtype = t;
            s.root = o.root;
            s.count = elements_in(bytes, t, "message size");
            if (s.count == last_count) continue;  // a size below one element of this dtype
            last_count = s.count;
            if (std::string why = validate_collective_spec(s, max_bytes); !why.empty()) {
              throw WorkloadOptionError{why};
            }
            specs.push_back(s);
          }
        }
      }
    }
    return specs;
  }

  std::string check_item(WorkloadOption option, std::string_view item) const override {
    if (option != kOptOps || parse_op_choice(item)) return "";
    return "unknown collective op (known: " + std::string(kOpChoiceNames) + ")";
  }

  double roofline_bytes(const WorkloadSpec&) const override { return 0; }  // bandwidth-judged
  double device_bytes(const WorkloadSpec& s, int devices) const override {
    const CollectiveSpec& c = std::get<CollectiveSpec>(s);
    const int ranks_per_device = (c.ranks + std::max(devices, 1) - 1) / std::max(devices, 1);
    const double rank_bytes =  // a rank's share of X and Y
        static_cast<double>(collective_input_elements(c) + collective_output_elements(c)) *
        static_cast<double>(dtype_size(c.dtype)) / c.ranks;
    return rank_bytes * ranks_per_device;
  }

  std::string validate(const WorkloadSpec& s, double max_bytes) const override {
    return validate_collective_spec(std::get<CollectiveSpec>(s), max_bytes);
  }
  std::string shape(const WorkloadSpec& s) const override {
    return std::get<CollectiveSpec>(s).shape_string();
  }
  std::string shape_variant(const WorkloadSpec&) const override { return ""; }
  std::string size_series(const WorkloadSpec& s) const override {
    const CollectiveSpec& c = std::get<CollectiveSpec>(s);
    return c.op_string() + " " + std::string(dtype_name(c.dtype)) + " r" + std::to_string(c.ranks);
  }
  std::string headline(const WorkloadSpec& s) const override {
    // All-reduce is what training waits for; the other collectives are in the fleet's groups.
    const CollectiveSpec& c = std::get<CollectiveSpec>(s);
    if (c.op != CollectiveOp::allreduce || c.reduce != ReduceOp::sum) return "";
    return c.op_string() + " " + std::string(dtype_name(c.dtype)) + " busbw";
  }
  std::optional<Bandwidth> bandwidth(const WorkloadSpec& s, double median_ms) const override {
    const CollectiveSpec& c = std::get<CollectiveSpec>(s);
    if (!(median_ms > 0)) return std::nullopt;
    return bandwidth_at(c.bytes(), c.bus_factor(), median_ms);
  }

  HostTensors make_tensors(const WorkloadSpec& s, std::uint64_t seed) const override {
    return make_collective_tensors(std::get<CollectiveSpec>(s), seed);
  }
  std::optional<ReferenceCache::Lookup> reference(const WorkloadSpec&,
                                                  const HostTensors&) const override {
    return std::nullopt;  // exact: the expected result is computed from the inputs in the check
  }
  CheckResult check(const WorkloadSpec& s, double, const HostTensors& inputs,
                    const HostTensors& outputs, const Reference*) const override {
    return check_collective(std::get<CollectiveSpec>(s), inputs, outputs);
  }

  void write_spec(const WorkloadSpec& s, SpecAttributeWriter& out) const override {
    const CollectiveSpec& c = std::get<CollectiveSpec>(s);
    out.put("op", collective_op_name(c.op));
    out.put("reduce", reduce_op_name(c.reduce));
    out.put("ranks", c.ranks);
    out.put("count", c.count);
    out.put("dtype", dtype_name(c.dtype));
    out.put("root", c.root);
  }
  WorkloadSpec read_spec(const SpecAttributeReader& in) const override {
    CollectiveSpec c;
    c.op =
        in.enumerated("op", &parse_collective_op,
                      "collective op (allreduce, allgather, reducescatter, broadcast, alltoall, pairs)");
    c.reduce = in.enumerated("reduce", &parse_reduce_op, "reduction (sum, max)");
    c.ranks = static_cast<int>(in.integer("ranks", 1, std::numeric_limits<int>::max()));
    c.count = in.integer("count", 1, std::numeric_limits<std::int64_t>::max());
    c.dtype = in.enumerated("dtype", &parse_dtype, "dtype");
    c.root = static_cast<int>(in.integer("root", 0, std::numeric_limits<int>::max()));
    return c;
  }
};

}  // namespace

template <>
const Workload& descriptor_for<CollectiveSpec>() {
  static const CollectiveWorkload w;
  return w;
}

}  // namespace aicert
