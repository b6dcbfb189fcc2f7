// Runs one case on one device with one implementation: seeded inputs, upload, one checked
// launch, then the measurement protocol. Every failure becomes a verdict with a reason.
#pragma once

#include <string>

#include "harness/measurement.h"
#include "kernels/backend_api.h"
#include "reports/case_result.h"

namespace aicert {

struct CaseRequest {
  std::string backend;
  int device = 0;
  std::string device_name;
  std::string impl;
  CaseSpec spec;
};

// Whether the device's uncorrected ECC error count grew while the case was timed (telemetry).
bool uncorrected_ecc_grew(const CaseResult& result);

// A passed case during which uncorrected_ecc_grew fails: its result came from memory that lost
// bits, whatever the check found.
void fail_on_hardware_errors(CaseResult& result);

// The stable key of a case, e.g. "gemm/cpu0/cpu:blocked/fp32/NN/64x64x64".
std::string case_id(const CaseRequest& request);

// With repeat_check_s > 0 a case that passed is run again from fresh uploads for about that
// long (at least twice), and every result must equal the first bit for bit; a difference is a
// fail (silent data corruption or unstable hardware).
CaseResult run_case(Backend& backend, const CaseRequest& request, const MeasurementPolicy& policy,
                    double repeat_check_s = 0);

}  // namespace aicert
