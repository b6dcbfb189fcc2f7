// Expands a certification profile into the cases to run on this machine: every test's matrix
// of shapes x layouts x dtypes over the backends it names (all available ones by default),
// their devices and implementations. What a test asks for but this machine lacks (a backend
// that is unavailable) becomes a note, not a failure; the verdict decides what it means.
#pragma once

#include <string>
#include <vector>

#include "harness/plugin_registry.h"
#include "harness/profile.h"
#include "harness/worker_protocol.h"

namespace aicert {

struct PlannedCase {
  WorkerRequest work;        // work.case_id = "<test id>/<case id>", unique in the plan
  std::size_t test = 0;      // index into Profile::tests
};

struct CertifyPlan {
  std::vector<PlannedCase> cases;
  std::vector<std::string> notes;  // e.g. "test gemm-cuda: backend cuda unavailable: no driver"
  // Tests with <device-kinds> that no device of this machine is of: not for this machine, so
  // they do not make it INCOMPLETE (a GPU test on a CPU-only server).
  std::vector<std::string> inapplicable_tests;
  std::string digest;              // SHA-256 over the profile and every request: the journal's key
};

struct CertifyOverrides {
  std::vector<std::string> backends;  // --backend: only these (empty: as the profile says)
  double soak_s = -1;                 // --duration: repeat-consistency seconds (<0: profile's)
};

CertifyPlan plan_certification(const Profile& profile, const PluginRegistry& registry,
                               const CertifyOverrides& overrides, double max_bytes);

}  // namespace aicert
