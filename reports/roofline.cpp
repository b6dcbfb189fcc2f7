// Rooflines and nominal peaks from a report's cases; see roofline.h.
#include "reports/roofline.h"

#include <cstdlib>

#include "workloads/workload_registry.h"

namespace aicert {

namespace {

bool same_device(const CaseResult& a, const CaseResult& b) {
  return a.backend == b.backend && a.device == b.device;
}

// Whether a unit multiplying inputs of `unit_dtype` computes the products of `dtype` exactly:
// fp32 holds every fp16 and bf16 value (and their products), fp16 and bf16 every fp8e4m3 one.
bool computes(DType unit_dtype, DType dtype) {
  if (unit_dtype == dtype) return true;
  switch (dtype) {
    case DType::fp16:
    case DType::bf16:
      return unit_dtype == DType::fp32;
    case DType::fp8e4m3:
      return unit_dtype == DType::fp32 || unit_dtype == DType::fp16 || unit_dtype == DType::bf16;
    default:
      return false;
  }
}

}  // namespace

std::optional<CaseRoofline> roofline_of(const CaseResult& c,
                                        const std::vector<CaseResult>& measured,
                                        std::string* why) {
  auto none = [&](const char* reason) -> std::optional<CaseRoofline> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (c.verdict != Verdict::pass || !(c.gflops > 0)) return none("the case did not pass");
  const Workload& w = workload_of(c.spec.spec);
  const double bytes = w.roofline_bytes(c.spec.spec);
  if (w.figure() != Figure::gflops || !(bytes > 0) ||
      std::holds_alternative<PeakSpec>(c.spec.spec)) {
    return none("its workload has no roofline");
  }
  const DType dtype = workload_dtype(c.spec.spec);
  CaseRoofline r;
  double largest_array = 0;
  for (const CaseResult& m : measured) {
    if (m.verdict != Verdict::pass || !same_device(m, c)) continue;
    if (const auto* p = std::get_if<PeakSpec>(&m.spec.spec)) {
      if (computes(p->dtype, dtype) && m.gflops > r.compute_gflops) {
        r.compute_gflops = m.gflops;
        r.compute_case = m.id;
      }
    } else if (const auto* s = std::get_if<StreamSpec>(&m.spec.spec); s && m.bandwidth) {
      const double array = s->array_bytes();
      const double gbps = m.bandwidth->algbw_gbps;
      if (array > largest_array || (array == largest_array && gbps > r.bandwidth_gbps)) {
        largest_array = array;
        r.bandwidth_gbps = gbps;
        r.bandwidth_case = m.id;
      }
    }
  }
  if (!(r.compute_gflops > 0)) {
    return none("no peak case for its dtype passed on its device (the profile's peak test)");
  }
  if (!(r.bandwidth_gbps > 0)) {
    return none("no stream case passed on its device (the profile's stream test)");
  }
  r.intensity = workload_flops(c.spec.spec) / bytes;
  const double memory_ceiling = r.intensity * r.bandwidth_gbps;  // GFLOP/s: FLOP/B x GB/s
  r.bound = memory_ceiling < r.compute_gflops ? "memory" : "compute";
  r.roofline_gflops = std::min(memory_ceiling, r.compute_gflops);
  r.fraction = c.gflops / r.roofline_gflops;
  return r;
}

std::optional<NominalPeak> nominal_of(const CaseResult& c, const Inventory& inventory) {
  const auto* p = std::get_if<PeakSpec>(&c.spec.spec);
  if (p == nullptr || c.verdict != Verdict::pass || !(c.gflops > 0)) return std::nullopt;
  const std::string key =
      std::string(peak_unit_name(p->unit)) + "." + std::string(dtype_name(p->dtype));
  for (const BackendDeviceInfo& d : inventory.devices) {
    if (d.backend != c.backend || d.index != c.device) continue;
    const auto value = d.properties.find("nominal_peak_gflops." + key);
    if (value == d.properties.end()) return std::nullopt;
    NominalPeak n;
    n.gflops = std::strtod(value->second.c_str(), nullptr);
    if (!(n.gflops > 0)) return std::nullopt;
    const auto formula = d.properties.find("nominal_peak_formula." + key);
    if (formula != d.properties.end()) n.formula = formula->second;
    n.fraction = c.gflops / n.gflops;
    return n;
  }
  return std::nullopt;
}

void attach_rooflines(Report& report) {
  for (CaseResult& c : report.cases) {
    c.roofline = roofline_of(c, report.cases);
    c.nominal = nominal_of(c, report.inventory);
  }
}

}  // namespace aicert
