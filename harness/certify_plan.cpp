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

// The cases of one test on one backend; an empty list when the backend offers none of the
// implementations the test names.
std::vector<CaseRequest> plan_test_on_backend(const Profile& profile, const ProfileTest& test,
                                              const PluginRegistry& registry,
                                              const LoadedBackend& backend, double max_bytes) {
  RunOptions o;
  o.workloads = {test.workload};
  o.causal = test.causal;
  o.backends = {backend.name};
  const std::vector<std::string> offered = backend.backend->implementations(test.workload);
  for (const auto& impl : test.impls) {
    if (contains(offered, impl)) o.impls.push_back(impl);
  }
  if (!test.impls.empty() && o.impls.empty()) return {};
  if (offered.empty()) return {};
  o.shapes = test.shapes;
  o.dtypes = test.dtypes;
  o.ops = test.ops;
  o.ranks = test.ranks;
  o.sizes = test.sizes;
  o.alpha = test.alpha;
  o.beta = test.beta;
  o.seed = profile.seed;
  std::vector<CaseRequest> cases;
  if (test.workload == "collective") return plan_run(o, registry, max_bytes);
  // Layouts are GEMM's alone: another workload is planned once, without one.
  std::vector<std::optional<std::string>> layouts{std::nullopt};
  if (test.workload == "gemm") {
    layouts.assign(test.layouts.begin(), test.layouts.end());
    if (layouts.empty()) layouts.emplace_back("NN");
  }
  for (const auto& layout : layouts) {
    o.layout = layout;
    std::vector<CaseRequest> some = plan_run(o, registry, max_bytes);
    cases.insert(cases.end(), some.begin(), some.end());
  }
  return cases;
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
      for (CaseRequest& r : plan_test_on_backend(profile, test, registry, *b, max_bytes)) {
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
      plan.notes.push_back("test " + test.id + ": no case can run on this machine (no available "
                           "backend offers " + test.workload + " with the implementations asked" +
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
