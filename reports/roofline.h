// The roofline of each device, from the report's own cases: its compute ceiling per dtype is the
// best passed `peak` case (workloads/peak_spec.h) whose unit computes that dtype's products
// exactly, its memory ceiling the best passed `stream` case at the largest array size it ran
// (past the caches). A case of a workload measured in flops then stands at
//   roofline = min(compute peak, intensity x bandwidth),  intensity = flops / roofline_bytes
// so one threshold line (`fraction-of-roofline`) judges any machine against its own hardware,
// without per-SKU tables. Peak cases get their device's nominal estimate instead.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace aicert {

// The roofline of case `c` from the cases in `measured` (which may include c) on the same
// backend and device; nothing when c did not pass, is not measured in flops, or the device has
// no passed peak for its dtype or no passed stream case (*why says which, when given).
std::optional<CaseRoofline> roofline_of(const CaseResult& c,
                                        const std::vector<CaseResult>& measured,
                                        std::string* why = nullptr);

// The nominal estimate of a passed peak case from its device's properties in `inventory`.
std::optional<NominalPeak> nominal_of(const CaseResult& c, const Inventory& inventory);

// Sets (or clears) every case's roofline and nominal from the report itself.
void attach_rooflines(Report& report);

}  // namespace aicert
