// Case planning for `aicert run`; see run_plan.h.
#include "harness/run_plan.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>

#include "harness/exit_codes.h"
#include "harness/text_join.h"
#include "kernels/mpi_job.h"
#include "workloads/memory_need.h"

namespace aicert {

namespace {

bool selects(const std::vector<const Workload*>& v, const Workload* w) {
  return std::find(v.begin(), v.end(), w) != v.end();
}

// The options of the run that belong to a workload and so select it when none is named.
WorkloadOptionSet own_options_given(const RunOptions& o) {
  return (o.ops.empty() ? 0u : unsigned{kOptOps}) | (o.ranks.empty() ? 0u : unsigned{kOptRanks});
}

WorkloadOptions workload_options(const RunOptions& o) {
  WorkloadOptions w;
  if (o.layout) w.layouts = {*o.layout};
  w.causal = o.causal;
  w.alpha = o.alpha;
  w.beta = o.beta;
  w.ops = o.ops;
  w.ranks = o.ranks;
  const MpiJob job = mpi_job_from_env();  // under mpirun: the job's rank count
  w.default_ranks = job.active ? job.size : 2;
  w.min_bytes = o.min_bytes;
  w.max_bytes = o.max_bytes;
  w.size_factor = o.size_factor;
  w.sizes = o.sizes;
  w.root = o.root;
  return w;
}

// A case whose inputs and outputs do not fit in its device's memory (a collective of 1 TiB on
// an 80 GiB GPU) is refused before anything is allocated. Host memory, which also holds the
// fp64 reference, is checked when the specs are planned (max_bytes). In an MPI job each rank
// is a process of its own, holding one rank's share on its device.
void check_device_memory(const Workload& w, const CaseRequest& r,
                         const std::vector<DeviceInfo>& devices) {
  const DeviceInfo& d = devices.at(static_cast<std::size_t>(r.device));
  if (d.memory_bytes == 0) return;  // the backend does not know it
  const MpiJob job = mpi_job_from_env();
  const int sharing = job.active ? job.size : static_cast<int>(devices.size());
  const double needed = w.device_bytes(r.spec.spec, sharing);
  const double available = static_cast<double>(d.memory_bytes);
  if (needed > available) {
    throw UsageError{case_id(r) + ": " + memory_shortfall(needed, available) + " on " +
                     r.backend + " device " + std::to_string(r.device) + " (" + d.name + ")"};
  }
}

// Which workloads run, each with its specs (see RunOptions).
std::vector<WorkloadCases> workload_cases(const RunOptions& o, double max_bytes) {
  std::vector<const Workload*> selected;
  auto add = [&](const Workload* w) {
    if (!selects(selected, w)) selected.push_back(w);
  };
  for (const auto& name : o.workloads) {
    if (name == "all") {
      for (const Workload* w : registered_workloads()) add(w);
    } else if (const Workload* w = find_workload(name)) {
      add(w);
    } else {
      throw UsageError{"unknown workload '" + name + "' (known: " + workload_names() + ", all)"};
    }
  }
  std::map<const Workload*, std::vector<std::string>> shapes;
  for (const auto& shape : o.shapes) {
    const auto& all = registered_workloads();
    const auto claimer = std::find_if(all.begin(), all.end(),
                                      [&](const Workload* w) { return w->claims_shape(shape); });
    if (claimer == all.end()) throw UsageError{"shape '" + shape + "' is no workload's shape"};
    if (!o.workloads.empty() && !selects(selected, *claimer)) {
      throw UsageError{"shape '" + shape + "' is a shape of workload " +
                       std::string((*claimer)->name()) + ", which --workload does not select"};
    }
    shapes[*claimer].push_back(shape);
    if (o.workloads.empty()) add(*claimer);
  }
  const WorkloadOptionSet own = own_options_given(o);
  if (o.workloads.empty() && o.shapes.empty() && own != 0) {
    // Those that take every option given and know every --op named (allgather: collective;
    // triad: stream); when none knows them, all that take the options, to say what is wrong.
    std::vector<const Workload*> takers, knowers;
    for (const Workload* w : registered_workloads()) {
      if ((w->options() & own) != own) continue;
      takers.push_back(w);
      if (std::all_of(o.ops.begin(), o.ops.end(), [&](const std::string& op) {
            return w->check_item(kOptOps, op).empty();
          })) {
        knowers.push_back(w);
      }
    }
    for (const Workload* w : knowers.empty() ? takers : knowers) add(w);
  }
  if (selected.empty()) {
    for (const Workload* w : registered_workloads()) {
      if (w->in_default_run()) add(w);
    }
  }
  if (own != 0 && std::none_of(selected.begin(), selected.end(),
                               [&](const Workload* w) { return (w->options() & own) == own; })) {
    std::vector<std::string> takers;
    for (const Workload* w : registered_workloads()) {
      if ((w->options() & own) == own) takers.emplace_back(w->name());
    }
    throw UsageError{"--op and --ranks are options of " + join(takers, ", ") + " (--workload " +
                     (takers.empty() ? "?" : takers.front()) + ")"};
  }

  // Each named dtype goes to the selected workloads that have it; one that none has is an error.
  std::vector<DType> known;  // the dtypes of the selected workloads, in their order
  for (const Workload* w : selected) {
    for (DType d : w->dtypes()) {
      if (std::find(known.begin(), known.end(), d) == known.end()) known.push_back(d);
    }
  }
  for (const auto& name : o.dtypes) {
    const auto t = parse_dtype(name);
    if (!t || std::find(known.begin(), known.end(), *t) == known.end()) {
      throw UsageError{"unknown dtype '" + name + "' (known: " + dtype_names(known) + ")"};
    }
  }

  const WorkloadOptions common = workload_options(o);
  std::vector<WorkloadCases> out;
  for (const Workload* w : selected) {
    WorkloadOptions wo = common;
    wo.shapes = shapes[w];
    const auto has = w->dtypes();
    for (const auto& name : o.dtypes) {
      if (std::find(has.begin(), has.end(), *parse_dtype(name)) != has.end())
        wo.dtypes.push_back(name);
    }
    if (!o.dtypes.empty() && wo.dtypes.empty()) continue;  // none of the named dtypes is its
    try {
      out.push_back({w, w->plan_specs(wo, max_bytes)});
    } catch (const WorkloadOptionError& e) {
      throw UsageError{e.what()};
    }
  }
  return out;
}
}  // namespace

std::vector<CaseRequest> cases_on_backend(const LoadedBackend& b,
                                          const std::vector<DeviceInfo>& devices,
                                          std::optional<int> device,
                                          const std::vector<std::string>& impls,
                                          const WorkloadCases& w, std::uint64_t seed) {
  std::vector<CaseRequest> cases;
  const std::vector<std::string> offered =
      b.backend->implementations(std::string(w.workload->name()));
  for (const auto& dev : devices) {
    if (device && dev.index != *device) continue;
    for (const auto& impl : offered) {
      if (!impls.empty() && std::find(impls.begin(), impls.end(), impl) == impls.end()) continue;
      for (const auto& spec : w.specs) {
        CaseRequest r;
        r.backend = b.name;
        r.device = dev.index;
        r.device_name = dev.name;
        r.impl = impl;
        r.spec.spec = spec;
        r.spec.seed = seed;
        cases.push_back(std::move(r));
      }
    }
  }
  return cases;
}

namespace {
double available_host_memory() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemAvailable:") return kib * 1024.0;
    meminfo.ignore(1 << 10, '\n');
  }
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
}
}  // namespace

double host_memory_budget() {
  const double available = available_host_memory();
  const char* limit = std::getenv("AICERT_HOST_MEMORY_LIMIT");
  if (limit == nullptr || *limit == '\0') return available;
  char* end = nullptr;
  const double bytes = std::strtod(limit, &end);
  if (*end != '\0' || !(bytes > 0) || !std::isfinite(bytes)) {
    throw UsageError{"AICERT_HOST_MEMORY_LIMIT: '" + std::string(limit) +
                     "' is not a positive number of bytes"};
  }
  return std::min(available, bytes);
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
      throw UsageError{"unknown backend '" + name +
                       "' (known: " + join(PluginRegistry::known_backends(), ", ") + ")"};
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
      const std::vector<std::string> offered =
          b->backend->implementations(std::string(w.workload->name()));
      all_offered.insert(all_offered.end(), offered.begin(), offered.end());
      std::vector<CaseRequest> some = cases_on_backend(*b, devices, o.device, o.impls, w, o.seed);
      for (const CaseRequest& r : some) check_device_memory(*w.workload, r, devices);
      plan.insert(plan.end(), std::make_move_iterator(some.begin()),
                  std::make_move_iterator(some.end()));
    }
  }
  for (const auto& impl : o.impls) {
    if (std::find(all_offered.begin(), all_offered.end(), impl) == all_offered.end()) {
      throw UsageError{"no selected backend has an implementation '" + impl +
                       "' of the selected workloads (offered: " + join(all_offered, ", ") + ")"};
    }
  }
  if (plan.empty()) {
    std::vector<std::string> names;
    for (const auto& w : workloads) names.emplace_back(w.workload->name());
    throw UsageError{"nothing to run: no available backend offers " + join(names, ", ") +
                     " with the options given"};
  }
  return plan;
}

}  // namespace aicert
