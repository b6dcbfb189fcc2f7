// One case from inputs to verdict; see case_runner.h.
#include "harness/case_runner.h"

#include <chrono>
#include <cstring>
#include <exception>
#include <functional>
#include <future>
#include <optional>

#include "harness/device_telemetry.h"
#include "harness/workload_dispatch.h"
#include "probes/telemetry_sampler.h"
#include "workloads/blas_threads.h"
#include "workloads/seeded_inputs.h"
#include "workloads/workload_registry.h"

namespace aicert {

namespace {

// The growth of `counter` during the case, if it grew.
const double* growth_of(const CaseResult& result, const char* counter) {
  if (!result.telemetry) return nullptr;
  for (const auto& [name, growth] : result.telemetry->errors_grown) {
    if (name == counter) return &growth;
  }
  return nullptr;
}

}  // namespace

bool uncorrected_ecc_grew(const CaseResult& result) {
  return growth_of(result, kEccUncorrected) != nullptr;
}

void fail_on_hardware_errors(CaseResult& result) {
  const double* growth = growth_of(result, kEccUncorrected);
  if (growth == nullptr || result.verdict != Verdict::pass) return;
  // The check passed, but on memory that lost bits while the case ran.
  result.verdict = Verdict::fail;
  result.reason = "uncorrected ECC errors grew by " +
                  std::to_string(static_cast<long long>(*growth)) +
                  " while the case was timed: the device's memory is failing";
}

std::string case_id(const CaseRequest& r) {
  const Workload& w = workload_of(r.spec.spec);
  const std::string variant = w.shape_variant(r.spec.spec);
  return std::string(w.name()) + "/" + r.backend + std::to_string(r.device) + "/" + r.impl + "/" +
         std::string(dtype_name(workload_dtype(r.spec.spec))) +
         (variant.empty() ? "" : "/" + variant) + "/" + w.shape(r.spec.spec);
}

namespace {

// Bytes of the output payloads of `a` that differ from those of `b`.
std::uint64_t differing_output_bytes(const HostTensors& a, const HostTensors& b) {
  std::uint64_t differing = 0;
  for (std::size_t t = 0; t < a.tensors.size(); ++t) {
    if (!a.tensors[t].is_output) continue;
    const auto* x = static_cast<const unsigned char*>(a.tensors[t].data());
    const auto* y = static_cast<const unsigned char*>(b.tensors[t].data());
    for (std::size_t i = 0; i < a.tensors[t].buffer.payload_bytes(); ++i) differing += x[i] != y[i];
  }
  return differing;
}

// Tensors to download a launch's outputs into: every tensor by name, type and shape (backends
// find theirs by name), with storage for the outputs only, their payloads poisoned so that a
// download that copies nothing cannot pass as correct. Inputs are not copied: at 2048^3 that
// copy was 30 ms of every case.
HostTensors poisoned_outputs_like(const HostTensors& inputs) {
  HostTensors outputs;
  outputs.tensors.reserve(inputs.tensors.size());
  for (const Tensor& t : inputs.tensors) {
    Tensor o;
    o.name = t.name;
    o.dtype = t.dtype;
    o.dims = t.dims;
    o.is_output = t.is_output;
    if (t.is_output) {
      o.buffer = GuardedBuffer(t.buffer.payload_bytes());
      std::memset(o.data(), 0xFF, o.buffer.payload_bytes());
    }
    outputs.tensors.push_back(std::move(o));
  }
  return outputs;
}

ConsistencyCheck repeat_check(Kernel& kernel, const HostTensors& inputs, const HostTensors& first,
                              double seconds) {
  using Clock = std::chrono::steady_clock;
  ConsistencyCheck c;
  const auto start = Clock::now();
  HostTensors again = poisoned_outputs_like(inputs);
  while (c.runs < 2 || std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    kernel.upload(inputs);
    kernel.run();
    kernel.elapsed_ms_since_last_sync();
    kernel.download(again);
    ++c.runs;
    if (const std::uint64_t d = differing_output_bytes(again, first); d > 0) {
      ++c.mismatched_runs;
      c.mismatched_bytes += d;
    }
  }
  c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return c;
}

}  // namespace

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// Whether the device is something other than this host's CPU (a GPU, an accelerator): only then
// may the host compute the reference while the device runs the timed repetitions.
bool device_is_off_host(Backend& backend, int device) {
  for (const DeviceInfo& d : backend.devices()) {
    if (d.index == device) return d.kind == "gpu" || d.kind == "accelerator";
  }
  return false;
}

// The reference and how long it took to have, measured on the thread that obtains it.
struct TimedReference {
  std::optional<ReferenceCache::Lookup> lookup;
  double ms = 0;
};

TimedReference timed_reference(const CaseSpec& spec, const HostTensors& inputs) {
  const auto start = std::chrono::steady_clock::now();
  TimedReference r;
  r.lookup = case_reference(spec, inputs);
  r.ms = ms_since(start);
  return r;
}

}  // namespace

CaseResult run_case(Backend& backend, const CaseRequest& request, const MeasurementPolicy& policy,
                    double repeat_check_s) {
  const auto case_start = std::chrono::steady_clock::now();
  CaseResult result;
  result.id = case_id(request);
  result.spec = request.spec;
  result.backend = request.backend;
  result.device = request.device;
  result.device_name = request.device_name;
  result.impl = request.impl;
  try {
    const HostTensors inputs = make_case_tensors(request.spec);
    result.inputs_sha256 = inputs_sha256(inputs);

    std::string why_not;
    std::unique_ptr<Kernel> kernel =
        backend.make(request.spec, request.device, request.impl, &why_not);
    if (!kernel) {
      result.verdict = Verdict::not_supported;
      result.reason = why_not.empty() ? "the implementation gave no reason" : why_not;
      return result;
    }

    // Off the host, the reference is computed while the device works; on a CPU device it is
    // had before timing, so that it never competes with the measured kernel for the cores.
    const bool overlap = device_is_off_host(backend, request.device);
    std::future<TimedReference> pending;
    if (overlap) {
      pending = std::async(std::launch::async, timed_reference, std::cref(request.spec),
                           std::cref(inputs));
    }

    // One launch on fresh inputs is what gets checked: later launches update C in place.
    kernel->upload(inputs);
    kernel->run();
    kernel->elapsed_ms_since_last_sync();
    HostTensors outputs = poisoned_outputs_like(inputs);
    kernel->download(outputs);

    TimedReference reference;
    if (!overlap) {
      reference = timed_reference(request.spec, inputs);
      park_blas_threads();  // its spinning threads would take the cores being measured
    }
    // The device's telemetry while it is timed (device_telemetry.h), or why there is none.
    std::optional<TelemetrySampler> sampler;
    std::string no_telemetry;
    if (auto source = telemetry_source_for(backend, request.device, &no_telemetry)) {
      sampler.emplace(std::move(source));
      sampler->start();
    }
    const auto measure_start = std::chrono::steady_clock::now();
    result.timing = measure(*kernel, policy);
    result.timing->measure_wall_ms = ms_since(measure_start);
    result.links = kernel->link_timings();
    if (sampler) {
      result.telemetry = sampler->stop();
    } else {
      result.telemetry.emplace();
      result.telemetry->source = "none";
      result.telemetry->unknown = {no_telemetry};
    }
    if (overlap) reference = pending.get();
    const Reference* ref = reference.lookup ? reference.lookup->reference.get() : nullptr;
    result.check = check_case(request.spec, inputs, outputs, ref);
    if (reference.lookup) {
      result.timing->reference = overlap ? "overlapped" : "before-timing";
      result.timing->reference_source = reference_source_name(reference.lookup->source);
      result.timing->reference_ms = reference.ms;
    }

    if (result.timing->median_ms > 0) {
      result.gflops = workload_flops(request.spec.spec) / (result.timing->median_ms * 1e6);
    }
    result.bandwidth = case_bandwidth(request.spec, result.timing->median_ms);
    if (result.telemetry && result.telemetry->energy_j && *result.telemetry->energy_j > 0 &&
        result.gflops > 0) {
      // Every launch in the sampled window: warm-ups and timed repetitions.
      const double runs = result.timing->warmups + result.timing->samples_ms.size();
      result.telemetry->gflop_per_j =
          workload_flops(request.spec.spec) * runs / 1e9 / *result.telemetry->energy_j;
    }
    result.verdict = result.check->passed ? Verdict::pass : Verdict::fail;
    result.reason = result.check->reason;
    fail_on_hardware_errors(result);
    if (repeat_check_s > 0 && result.verdict == Verdict::pass) {
      result.consistency = repeat_check(*kernel, inputs, outputs, repeat_check_s);
      if (result.consistency->mismatched_runs > 0) {
        result.verdict = Verdict::fail;
        result.reason = std::to_string(result.consistency->mismatched_runs) + " of " +
                        std::to_string(result.consistency->runs) +
                        " repeats differ from the first result (" +
                        std::to_string(result.consistency->mismatched_bytes) +
                        " bytes): same inputs, different bits";
      }
    }
    result.timing->case_wall_ms = ms_since(case_start);
  } catch (const std::exception& e) {
    result.verdict = Verdict::error;
    result.reason = e.what();
  }
  return result;
}

}  // namespace aicert
