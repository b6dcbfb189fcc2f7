// Planning of a certification run; see certify_plan.h.
#include "harness/certify_plan.h"

#include <algorithm>

#include "harness/exit_codes.h"
#include "harness/run_plan.h"
#include "workloads/sha256.h"

namespace aicert {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The cases of one test on one backend: its specs (each checked against this machine's memory)
// on every device and every implementation the test names that the backend offers.
std::vector<CaseRequest> plan_test_on_backend(const Profile& profile, const ProfileTest& test,
                                              const LoadedBackend& backend,
                                              const std::vector<DeviceInfo>& devices,
                                              double max_bytes) {
  WorkloadCases w{find_workload(test.workload), test.specs};
  for (const auto& spec : w.specs) {
    if (const std::string why = w.workload->validate(spec, max_bytes); !why.empty()) {
      throw UsageError{"test " + test.id + ": " + why};
    }
  }
  return cases_on_backend(backend, devices, std::nullopt, test.impls, w, profile.seed);
}

// Whether the test's <device-kinds> (empty: every kind) name the kind of the request's device.
bool of_a_kind_the_test_names(const ProfileTest& test, const std::vector<DeviceInfo>& devices,
                              const CaseRequest& r) {
  if (test.device_kinds.empty()) return true;
  for (const auto& d : devices) {
    if (d.index == r.device) return contains(test.device_kinds, d.kind);
  }
  return false;
}

}  // namespace

CertifyPlan plan_certification(const Profile& profile, const PluginRegistry& registry,
                               const CertifyOverrides& overrides, double max_bytes) {
  CertifyPlan plan;
  for (std::size_t t = 0; t < profile.tests.size(); ++t) {
    const ProfileTest& test = profile.tests[t];
    std::vector<std::string> wanted = test.backends;
    if (wanted.empty()) wanted = PluginRegistry::known_backends();
    std::size_t planned_before = plan.cases.size(), dropped_for_kind = 0;
    for (const auto& name : wanted) {
      if (!overrides.backends.empty() && !contains(overrides.backends, name)) continue;
      const LoadedBackend* b = registry.find(name);
      if (b == nullptr || !b->available) {
        // With "all backends" an absent one is just not there; a named one is worth a note.
        if (!test.backends.empty()) {
          plan.notes.push_back("test " + test.id + ": backend " + name + " unavailable" +
                               (b ? ": " + b->reason : std::string()));
        }
        continue;
      }
      const std::vector<DeviceInfo> devices = b->backend->devices();
      for (CaseRequest& r : plan_test_on_backend(profile, test, *b, devices, max_bytes)) {
        if (!of_a_kind_the_test_names(test, devices, r)) {
          ++dropped_for_kind;
          continue;
        }
        PlannedCase pc;
        pc.test = t;
        r.spec.tolerance_c = test.tolerance_c;
        pc.work.case_id = test.id + "/" + case_id(r);
        pc.work.request = std::move(r);
        pc.work.policy = profile.policy;
        pc.work.repeat_check_s = test.repeat_check ? 1 : 0;  // spread below
        plan.cases.push_back(std::move(pc));
      }
    }
    if (plan.cases.size() == planned_before && dropped_for_kind > 0) {
      plan.inapplicable_tests.push_back(test.id);
    }
    if (plan.cases.size() == planned_before) {
      std::string kinds;
      for (const auto& k : test.device_kinds) kinds += (kinds.empty() ? "" : ", ") + k;
      plan.notes.push_back("test " + test.id +
                           ": no case can run on this machine (no available "
                           "backend offers " +
                           test.workload + " with the implementations asked" +
                           (kinds.empty() ? std::string() : " on a device of kind " + kinds) + ")");
    }
  }

  const double soak = overrides.soak_s >= 0 ? overrides.soak_s : profile.soak_s;
  const auto repeat_cases = std::count_if(plan.cases.begin(), plan.cases.end(),
                                          [](const auto& c) { return c.work.repeat_check_s > 0; });
  for (auto& c : plan.cases) {
    if (c.work.repeat_check_s > 0) {
      c.work.repeat_check_s = std::max(soak / static_cast<double>(repeat_cases), 0.01);
    }
  }

  std::string identity = profile.identity.sha256 + "\n";
  for (const auto& c : plan.cases) identity += encode_request(c.work) + "\n";
  plan.digest = sha256_hex(identity);
  return plan;
}

}  // namespace aicert
