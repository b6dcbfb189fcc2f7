// Case planning for `aicert run`; see run_plan.h.
#include "harness/run_plan.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "harness/exit_codes.h"
#include "harness/mpi_job.h"

namespace aicert {

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
constexpr DType kAllDtypes[] = {DType::fp32, DType::fp16, DType::bf16};
constexpr const char* kWorkloadNames = "gemm, attention, collective, all";
constexpr DType kCollectiveDtypes[] = {DType::fp32, DType::bf16, DType::fp16, DType::int32};
constexpr const char* kDefaultCollectiveOps[] = {"allreduce-sum", "allreduce-max", "allgather",
                                                 "reducescatter-sum", "broadcast", "alltoall"};

// The workload a shape is written for: "MxNxK" is GEMM, comma-separated fields attention.
std::string workload_of_shape(const std::string& shape) {
  return shape.find('x') != std::string::npos || shape.find(',') == std::string::npos ? "gemm"
                                                                                      : "attention";
}

// GEMM shapes may still be given as one comma-separated list ("64x64x64,8x8x8").
std::vector<std::string> split_gemm_shapes(const std::string& text) {
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

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::vector<DType> selected_dtypes(const RunOptions& o) {
  std::vector<DType> dtypes;
  for (const auto& name : o.dtypes) {
    const auto t = parse_dtype(name);
    if (!t || *t == DType::int32) {
      throw UsageError{"unknown dtype '" + name + "' (known: fp32, fp16, bf16, fp8e4m3)"};
    }
    dtypes.push_back(*t);
  }
  if (dtypes.empty()) dtypes.assign(std::begin(kAllDtypes), std::end(kAllDtypes));
  return dtypes;
}

std::vector<WorkloadSpec> gemm_specs(const RunOptions& o, const std::vector<std::string>& given,
                                     double max_bytes) {
  const std::vector<DType> dtypes = selected_dtypes(o);

  std::optional<GemmLayout> layout;
  if (o.layout) {
    layout = parse_layout(*o.layout);
    if (!layout) throw UsageError{"unknown layout '" + *o.layout + "' (known: NN, NT, TN)"};
  }

  std::vector<GemmSpec> shapes;
  auto add_shape = [&](const std::string& text, GemmLayout default_layout) {
    std::string error;
    auto spec = parse_gemm_shape(text, &error);
    if (!spec) throw UsageError{error};
    spec->layout = layout.value_or(default_layout);
    spec->alpha = o.alpha;
    spec->beta = o.beta;
    shapes.push_back(*spec);
  };
  if (given.empty()) {
    for (const auto& d : kDefaultGemmShapes) add_shape(d.shape, d.layout);
  } else {
    for (const auto& s : given) add_shape(s, GemmLayout::NN);
  }

  std::vector<WorkloadSpec> specs;
  for (const auto& shape : shapes) {
    for (DType t : dtypes) {
      GemmSpec s = shape;
      s.dtype = t;
      if (const std::string why = validate_gemm_spec(s, max_bytes); !why.empty()) {
        throw UsageError{why};
      }
      specs.push_back(s);
    }
  }
  return specs;
}

std::vector<WorkloadSpec> attention_specs(const RunOptions& o,
                                          const std::vector<std::string>& given, double max_bytes) {
  const std::vector<DType> dtypes = selected_dtypes(o);
  std::vector<AttentionSpec> shapes;
  auto add_shape = [&](const std::string& text, bool causal) {
    std::string error;
    auto spec = parse_attention_shape(text, &error);
    if (!spec) throw UsageError{error};
    spec->causal = causal || o.causal;
    shapes.push_back(*spec);
  };
  if (given.empty()) {
    for (const auto& d : kDefaultAttentionShapes) add_shape(d.shape, d.causal);
  } else {
    for (const auto& s : given) add_shape(s, false);
  }
  std::vector<WorkloadSpec> specs;
  for (const auto& shape : shapes) {
    for (DType t : dtypes) {
      if (t == DType::fp8e4m3) continue;  // a GEMM input type only
      AttentionSpec s = shape;
      s.dtype = t;
      if (const std::string why = validate_attention_spec(s, max_bytes); !why.empty()) {
        throw UsageError{why};
      }
      specs.push_back(s);
    }
  }
  return specs;
}

std::vector<CollectiveSpec> collective_specs(const RunOptions& o, double max_bytes) {
  std::vector<DType> dtypes;
  for (const auto& name : o.dtypes) {
    const auto t = parse_dtype(name);
    if (!t) throw UsageError{"unknown dtype '" + name + "' (known: fp32, bf16, fp16, int32)"};
    dtypes.push_back(*t);
  }
  if (dtypes.empty()) dtypes.assign(std::begin(kCollectiveDtypes), std::end(kCollectiveDtypes));

  std::vector<OpChoice> ops;
  auto add_op = [&](const std::string& text) {
    const auto choice = parse_op_choice(text);
    if (!choice) {
      throw UsageError{"unknown collective op '" + text + "' (known: " + kOpChoiceNames + ")"};
    }
    ops.push_back(*choice);
  };
  if (o.ops.empty()) {
    for (const char* name : kDefaultCollectiveOps) add_op(name);
  } else {
    for (const auto& name : o.ops) add_op(name);
  }

  // Default: 2 ranks, or the job's rank count under mpirun.
  const MpiJob job = mpi_job_from_env();
  std::vector<int> ranks = o.ranks.empty() ? std::vector<int>{job.active ? job.size : 2} : o.ranks;
  if (!(o.min_bytes >= 1) || !(o.max_bytes >= o.min_bytes) || !std::isfinite(o.max_bytes)) {
    throw UsageError{"message sizes: need 1 <= --min-bytes <= --max-bytes"};
  }
  if (!(o.size_factor > 1) || !std::isfinite(o.size_factor)) {
    throw UsageError{"--size-factor must be a number greater than 1"};
  }
  std::vector<double> sizes;
  for (double b = o.min_bytes; b <= o.max_bytes * (1 + 1e-12); b *= o.size_factor) {
    sizes.push_back(std::floor(b));
  }
  if (!o.sizes.empty()) sizes = o.sizes;
  for (double b : sizes) {
    if (!(b >= 1) || !std::isfinite(b)) throw UsageError{"message sizes must be at least 1 byte"};
  }

  std::vector<CollectiveSpec> specs;
  for (const OpChoice& op : ops) {
    for (DType t : dtypes) {
      for (int n : ranks) {
        std::int64_t last_count = 0;
        for (double bytes : sizes) {
          CollectiveSpec s;
          s.op = op.op;
          s.reduce = op.reduce;
          s.ranks = n;
          s.dtype = t;
          s.root = o.root;
          s.count = std::max<std::int64_t>(
              1, static_cast<std::int64_t>(bytes / static_cast<double>(dtype_size(t))));
          if (s.count == last_count) continue;  // a size below one element of this dtype
          last_count = s.count;
          if (const std::string why = validate_collective_spec(s, max_bytes); !why.empty()) {
            throw UsageError{why};
          }
          specs.push_back(s);
        }
      }
    }
  }
  return specs;
}

struct WorkloadCases {
  std::string workload;
  std::vector<WorkloadSpec> specs;
};

// Which workloads run, each with its specs (see RunOptions).
std::vector<WorkloadCases> workload_cases(const RunOptions& o, double max_bytes) {
  std::vector<std::string> names;
  auto add = [&](const std::string& w) {
    if (std::find(names.begin(), names.end(), w) == names.end()) names.push_back(w);
  };
  for (const auto& w : o.workloads) {
    if (w == "all") {
      for (const auto& known : known_workloads()) add(known.first);
    } else if (std::any_of(known_workloads().begin(), known_workloads().end(),
                           [&](const auto& k) { return k.first == w; })) {
      add(w);
    } else {
      throw UsageError{"unknown workload '" + w + "' (known: " + kWorkloadNames + ")"};
    }
  }
  std::vector<std::string> gemm_shapes, attention_shapes;
  for (const auto& shape : o.shapes) {
    const std::string w = workload_of_shape(shape);
    if (!o.workloads.empty() && std::find(names.begin(), names.end(), w) == names.end()) {
      throw UsageError{"shape '" + shape + "' is a shape of workload " + w +
                       ", which --workload does not select"};
    }
    if (w == "gemm") {
      for (const auto& s : split_gemm_shapes(shape)) gemm_shapes.push_back(s);
    } else {
      attention_shapes.push_back(shape);
    }
    if (o.workloads.empty()) add(w);
  }
  // --op or --ranks without --workload select the collectives.
  if (o.workloads.empty() && o.shapes.empty() && (!o.ops.empty() || !o.ranks.empty())) {
    add("collective");
  }
  // The default set is GEMM and attention; the collective sweep (8 B to 64 MiB) runs when asked
  // for (--workload collective or all, --op, --ranks) and in the certification profiles.
  if (names.empty()) {
    add("gemm");
    add("attention");
  }
  const bool collective = std::find(names.begin(), names.end(), "collective") != names.end();
  if (!collective && (!o.ops.empty() || !o.ranks.empty())) {
    throw UsageError{"--op and --ranks are collective options (--workload collective)"};
  }
  std::vector<WorkloadCases> out;
  for (const auto& w : names) {
    if (w == "gemm") out.push_back({w, gemm_specs(o, gemm_shapes, max_bytes)});
    if (w == "attention") out.push_back({w, attention_specs(o, attention_shapes, max_bytes)});
    if (w == "collective") {
      std::vector<WorkloadSpec> specs;
      for (const auto& c : collective_specs(o, max_bytes)) specs.emplace_back(c);
      out.push_back({w, std::move(specs)});
    }
  }
  return out;
}
}  // namespace

const std::vector<std::pair<std::string, std::string>>& known_workloads() {
  static const std::vector<std::pair<std::string, std::string>> w{
      {"gemm",
       "C = alpha*op(A)*op(B) + beta*C, row-major; layouts NN NT TN; fp32 fp16 bf16 "
       "inputs with fp32 accumulation"},
      {"attention",
       "O = softmax(scale*Q*K^T [causal]) V, Q [B,Hq,Sq,D], K and V [B,Hkv,Sk,D] "
       "(grouped-query); fp32 fp16 bf16 with fp32 accumulation"},
      {"collective",
       "allreduce (sum, max), allgather, reducescatter, broadcast, alltoall over N ranks; "
       "fp32 bf16 fp16 int32; message sizes swept; exact check"},
  };
  return w;
}

double host_memory_budget() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemAvailable:") return kib * 1024.0;
    meminfo.ignore(1 << 10, '\n');
  }
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

std::vector<CaseRequest> plan_run(const RunOptions& o, const PluginRegistry& registry,
                                  double max_bytes) {
  if (!std::isfinite(o.alpha) || !std::isfinite(o.beta)) {
    throw UsageError{"alpha and beta must be finite numbers"};
  }

  std::vector<const LoadedBackend*> backends;
  for (const auto& name : o.backends) {
    const LoadedBackend* b = registry.find(name);
    if (b == nullptr) {
      throw UsageError{"unknown backend '" + name + "' (known: " +
                       joined(PluginRegistry::known_backends()) + ")"};
    }
    if (!b->available) throw UsageError{"backend " + name + " is unavailable: " + b->reason};
    backends.push_back(b);
  }
  if (o.backends.empty()) {
    for (const auto& b : registry.backends()) {
      if (b.available) backends.push_back(&b);
    }
  }

  const std::vector<WorkloadCases> workloads = workload_cases(o, max_bytes);

  std::vector<CaseRequest> plan;
  std::vector<std::string> all_offered;
  for (const LoadedBackend* b : backends) {
    const std::vector<DeviceInfo> devices = b->backend->devices();
    if (o.device && (*o.device < 0 || *o.device >= static_cast<int>(devices.size()))) {
      throw UsageError{"backend " + b->name + " has no device " + std::to_string(*o.device) +
                       " (it has " + std::to_string(devices.size()) + ")"};
    }
    for (const WorkloadCases& w : workloads) {
      const std::vector<std::string> offered = b->backend->implementations(w.workload);
      all_offered.insert(all_offered.end(), offered.begin(), offered.end());
      for (const auto& dev : devices) {
        if (o.device && dev.index != *o.device) continue;
        for (const auto& impl : offered) {
          if (!o.impls.empty() &&
              std::find(o.impls.begin(), o.impls.end(), impl) == o.impls.end()) {
            continue;
          }
          for (const auto& spec : w.specs) {
            CaseRequest r;
            r.backend = b->name;
            r.device = dev.index;
            r.device_name = dev.name;
            r.impl = impl;
            r.spec.spec = spec;
            r.spec.seed = o.seed;
            plan.push_back(r);
          }
        }
      }
    }
  }
  for (const auto& impl : o.impls) {
    if (std::find(all_offered.begin(), all_offered.end(), impl) == all_offered.end()) {
      throw UsageError{"no selected backend has an implementation '" + impl +
                       "' of the selected workloads (offered: " + joined(all_offered) + ")"};
    }
  }
  if (plan.empty()) {
    std::vector<std::string> names;
    for (const auto& w : workloads) names.push_back(w.workload);
    throw UsageError{"nothing to run: no available backend offers " + joined(names) +
                     " with the options given"};
  }
  return plan;
}

}  // namespace aicert
