// Collective inputs, exact reference and check; see collective_workload.h.
#include "workloads/collective_workload.h"

#include <algorithm>
#include <cmath>
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

Tensor make_tensor(const char* name, DType dtype, std::vector<std::int64_t> dims, bool is_output) {
  Tensor t;
  t.name = name;
  t.dtype = dtype;
  t.dims = std::move(dims);
  t.is_output = is_output;
  t.buffer = GuardedBuffer(t.elements() * dtype_size(dtype));
  return t;
}

std::vector<std::int64_t> dims_of(const CollectiveSpec& s, std::int64_t elements) {
  if (elements == s.count * s.ranks && s.op != CollectiveOp::alltoall) return {s.ranks, s.count};
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
    }
  }
  // The check is exact: no magnitude (it would be as large as the reference and all zero).
  return compare_with_reference(outputs.at("Y"), ref.data(), nullptr, collective_tolerance(s));
}

}  // namespace aicert
