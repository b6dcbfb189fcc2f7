// What a compatibility matrix files a report under: its hardware (the server model and the
// accelerators in it) and its software (OS release, kernel, and the runtime of every backend
// that ran a case). Derived from the report's inventory alone, so a programme's ledger, its
// audit and its published matrix all say the same thing of one report.
#pragma once

#include <string>
#include <vector>

#include "reports/report.h"

namespace aicert {

struct SubmissionIdentity {
  std::string server;        // "Dell Inc. PowerEdge XE9680", or "unknown server"
  std::string accelerators;  // "8x NVIDIA H100 80GB HBM3"; the CPU model when there is none
  std::string os;            // PRETTY_NAME
  std::string kernel;
  std::string runtimes;      // "cpu: OpenBLAS 0.3.21 ...; cuda: driver 13.0 runtime 13.0"
  std::vector<std::string> backends;  // backends that ran at least one case, sorted

  std::string hardware() const { return accelerators + " in " + server; }
  std::string software() const { return os + ", kernel " + kernel + "; " + runtimes; }
};

SubmissionIdentity submission_identity(const Report& report);

}  // namespace aicert
