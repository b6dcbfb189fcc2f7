// The descriptor of one workload, in the spirit of nccl-tests' `struct testColl`: everything the
// harness, the profile reader and the report writers need to know about a workload, behind one
// interface, so that none of them names a workload. Each workload implements it in its own
// workloads/<name>_workload.cpp and declares its descriptor_for<Spec>() specialisation in
// workloads/<name>_workload.h; workload_registry.h lists them all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "workloads/bandwidth.h"
#include "workloads/case_spec.h"
#include "workloads/check_result.h"
#include "workloads/host_tensors.h"
#include "workloads/reference_cache.h"
#include "workloads/spec_attributes.h"
#include "workloads/workload_options.h"

namespace aicert {

// The figure a workload's cases report and thresholds judge.
enum class Figure {
  gflops,      // GFLOP/s of the spec's flops (GEMM, attention)
  busbw_gbps,  // bus bandwidth in GB/s (collectives; thresholds: min-busbw-gbps)
  gbps,        // GB/s of the bytes really moved (stream; thresholds: min-gbps)
};
std::string_view figure_unit(Figure f);  // "GFLOP/s", "GB/s busbw", "GB/s"

// A selection that cannot be planned (an unknown dtype, a malformed or impossible shape, an
// option out of range); the harness reports it as bad usage (exit code 2).
struct WorkloadOptionError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

class Workload {
 public:
  virtual ~Workload() = default;

  // Identity. `name` is what --workload, a profile's <test workload> and the report's spec
  // element are called.
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  virtual std::size_t variant_index() const = 0;  // its alternative of WorkloadSpec
  virtual Figure figure() const = 0;

  // Selection (`aicert run`, profile tests).
  // Runs when `aicert run` names neither a workload nor anything that selects one.
  virtual bool in_default_run() const = 0;
  // Whether a --shape is written in this workload's grammar ("MxNxK" is GEMM's).
  virtual bool claims_shape(std::string_view shape) const = 0;
  // The WorkloadOptions fields this workload reads; the others must be left at their defaults.
  virtual WorkloadOptionSet options() const = 0;
  // Its dtypes: those a profile may name (first) and those run when none is named.
  virtual std::vector<DType> dtypes() const = 0;
  virtual std::vector<DType> default_dtypes() const = 0;
  // The specs a selection expands to (defaults for every field left empty), each validated
  // against max_bytes; throws WorkloadOptionError saying what is wrong.
  virtual std::vector<WorkloadSpec> plan_specs(const WorkloadOptions& options,
                                               double max_bytes) const = 0;
  // Whether one item of a list option (a shape, a layout, an op) is valid, shapes with no memory
  // limit: "" or what is wrong. Lets a profile reader name the line of a bad item.
  virtual std::string check_item(WorkloadOption option, std::string_view item) const = 0;

  // One spec (always of this workload's alternative).
  virtual std::string validate(const WorkloadSpec& spec, double max_bytes) const = 0;
  // Bytes the inputs and outputs of one case take on one device, a collective's ranks spread
  // over `devices` devices (in an MPI job, its processes): what `aicert run` checks against a
  // device's memory.
  virtual double device_bytes(const WorkloadSpec& spec, int devices) const = 0;
  // The case id's shape ("17x33x65", "1,16,4,2048,128", "allreduce-sum/r2/4096B") and its
  // variant ("NT", "causal"; empty when the workload has none).
  virtual std::string shape(const WorkloadSpec& spec) const = 0;
  virtual std::string shape_variant(const WorkloadSpec& spec) const = 0;
  // For a workload swept over message sizes, the series a case belongs to in a chart of its
  // bandwidth against size: everything that names it but the size ("allreduce-sum fp32 r2").
  virtual std::string size_series(const WorkloadSpec& spec) const = 0;
  // The column of a cross-machine table of headline figures (`aicert fleet`) that this spec's
  // cases belong to ("GEMM fp32", "all-reduce-sum fp32 busbw"); "" when its figure is none.
  // A machine's value in a column is the best figure of its passing cases there.
  virtual std::string headline(const WorkloadSpec& spec) const = 0;
  // The least bytes a case must move between the device's memory and its arithmetic (inputs
  // read once, outputs written once): with workload_flops() its arithmetic intensity, the
  // x-axis of the roofline (harness/roofline.h). 0 for a workload not measured in flops.
  virtual double roofline_bytes(const WorkloadSpec& spec) const = 0;
  // Bytes moved and bandwidths at the median time; empty for a workload measured in flops.
  virtual std::optional<Bandwidth> bandwidth(const WorkloadSpec& spec, double median_ms) const = 0;

  // Inputs, reference and check.
  virtual HostTensors make_tensors(const WorkloadSpec& spec, std::uint64_t seed) const = 0;
  // The fp64 reference from the process's reference cache (computed on a miss); empty for a
  // workload checked exactly against its inputs.
  virtual std::optional<ReferenceCache::Lookup> reference(const WorkloadSpec& spec,
                                                          const HostTensors& inputs) const = 0;
  // Checks outputs; `reference` is reference()'s (null: compute it); a positive tolerance_c
  // replaces the workload's own safety factor.
  virtual CheckResult check(const WorkloadSpec& spec, double tolerance_c, const HostTensors& inputs,
                            const HostTensors& outputs, const Reference* reference) const = 0;

  // The spec as the attributes of the report's element named name().
  virtual void write_spec(const WorkloadSpec& spec, SpecAttributeWriter& out) const = 0;
  virtual WorkloadSpec read_spec(const SpecAttributeReader& in) const = 0;
};

// The dtypes a selection runs: those named in options.dtypes (each must be one of w.dtypes(),
// else WorkloadOptionError), or w.default_dtypes() when none is named.
std::vector<DType> dtypes_to_run(const Workload& w, const WorkloadOptions& options);

// Whole elements of `t` in `bytes` of a size option (at least 1). A size no memory holds (more
// than 2^62 elements, where the conversion to an integer count would overflow) throws
// WorkloadOptionError naming `what` ("message size", "stream array size").
std::int64_t elements_in(double bytes, DType t, std::string_view what);

// The descriptor of the workload whose spec is Spec. Each workload header declares its
// specialisation; an alternative of WorkloadSpec without one does not compile.
template <class Spec>
const Workload& descriptor_for() = delete;

// The index of Spec among WorkloadSpec's alternatives.
template <class Spec, std::size_t I = 0>
constexpr std::size_t variant_index_of() {
  static_assert(I < std::variant_size_v<WorkloadSpec>, "not an alternative of WorkloadSpec");
  if constexpr (std::is_same_v<std::variant_alternative_t<I, WorkloadSpec>, Spec>) {
    return I;
  } else {
    return variant_index_of<Spec, I + 1>();
  }
}

}  // namespace aicert
