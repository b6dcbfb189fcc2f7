// Recomputing a report's certification verdict; see certification_recheck.h.
#include "harness/certification_recheck.h"

#include <algorithm>
#include <set>

#include "harness/case_runner.h"
#include "harness/certification.h"
#include "workloads/workload_registry.h"

namespace aicert {

namespace {

const ProfileTest* test_of(const Profile& profile, const std::string& id) {
  for (const auto& t : profile.tests) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

// Tests that ran no case because this machine has no device of the kinds they name (the
// planner's inapplicable tests, rebuilt from the report's inventory).
std::vector<std::string> inapplicable_tests(const Report& report, const Profile& profile) {
  std::set<std::string> ran;
  for (const auto& c : report.cases) ran.insert(c.test_id);
  std::vector<std::string> out;
  for (const auto& t : profile.tests) {
    if (t.device_kinds.empty() || ran.count(t.id)) continue;
    const bool has_kind = std::any_of(
        report.inventory.devices.begin(), report.inventory.devices.end(), [&](const auto& d) {
          const bool backend_named =
              t.backends.empty() ||
              std::find(t.backends.begin(), t.backends.end(), d.backend) != t.backends.end();
          return backend_named &&
                 std::find(t.device_kinds.begin(), t.device_kinds.end(), d.kind) !=
                     t.device_kinds.end();
        });
    if (!has_kind) out.push_back(t.id);
  }
  return out;
}

std::string tier_or_none(const std::string& t) { return t.empty() ? "(none)" : t; }

bool listed(const std::vector<std::string>& list, const std::string& item) {
  return list.empty() || std::find(list.begin(), list.end(), item) != list.end();
}

// What a case is, for matching it to the specs its test plans: workload, shape and dtype.
std::string spec_key(const WorkloadSpec& s) {
  return std::string(workload_name(s)) + " " + workload_shape(s) + " " +
         std::string(dtype_name(workload_dtype(s)));
}

// Why case `c` cannot belong to `test` as the profile plans it, or "".
std::string not_of_test(const CaseResult& c, const ProfileTest& test) {
  if (!listed(test.backends, c.backend)) return "ran on backend " + c.backend + ", which its test does not name";
  if (!listed(test.impls, c.impl)) return "ran implementation " + c.impl + ", which its test does not name";
  const std::string key = spec_key(c.spec.spec);
  for (const auto& s : test.specs) {
    if (spec_key(s) == key) return {};
  }
  return "is " + key + ", which its test does not plan";
}

std::string thresholds_text(const std::vector<ThresholdOutcome>& ts) {
  std::string out;
  for (const auto& t : ts) out += (out.empty() ? "" : ", ") + t.tier + " " + t.kind + " " + t.status;
  return out.empty() ? "none" : out;
}

}  // namespace

RecheckOutcome recheck_certification(const Report& report, const Profile& profile) {
  RecheckOutcome out;
  if (!report.certification) {
    out.difference = "the report has no certification verdict (made by 'aicert run', not certify)";
    return out;
  }
  Report fresh = report;
  std::set<std::string> ids;
  for (CaseResult& c : fresh.cases) {
    const ProfileTest* test = test_of(profile, c.test_id);
    if (test == nullptr) {
      out.difference = "case " + c.id + " belongs to test '" + c.test_id +
                       "', which the profile does not have";
      return out;
    }
    if (std::string why = not_of_test(c, *test); !why.empty()) {
      out.difference = "case " + c.id + " " + why;
      return out;
    }
    if (!ids.insert(c.id).second) {
      out.difference = "case " + c.id + " appears twice";
      return out;
    }
    // Thresholds are judged only on cases that passed their checks, so a case with threshold
    // outcomes passed before the judge ran; a waived case without any had failed.
    // Likewise a throttled case whose own check and repeat-consistency passed was failed only
    // by the profile's <telemetry fail-on>.
    const bool clean = c.check && c.check->passed && !uncorrected_ecc_grew(c) &&
                       !(c.consistency && c.consistency->mismatched_runs > 0);
    const bool failed_by_telemetry = clean && c.telemetry && c.telemetry->throttled &&
                                     (c.verdict == Verdict::fail || c.verdict == Verdict::waived);
    Verdict measured = c.verdict;
    if (!c.thresholds.empty() || failed_by_telemetry) {
      measured = Verdict::pass;
    } else if (c.verdict == Verdict::waived) {
      measured = Verdict::fail;
    }
    if (measured == Verdict::pass && c.check && !c.check->passed) {
      out.difference = "case " + c.id + " is recorded as passed but its own check failed (" +
                       c.check->reason + ")";
      return out;
    }
    if (measured == Verdict::pass && c.consistency && c.consistency->mismatched_runs > 0) {
      out.difference = "case " + c.id +
                       " is recorded as passed but its repeat-consistency check found mismatches";
      return out;
    }
    // A case that was checked ran: it cannot be "not supported" or "skipped".
    if (c.check && (measured == Verdict::not_supported || measured == Verdict::skip)) {
      out.difference = "case " + c.id + " carries a check result but is stated " +
                       std::string(verdict_name(measured));
      return out;
    }
    c.verdict = measured;
    c.blocker = test->blocker;  // what the profile says, not what the report says
    c.thresholds.clear();
    c.waiver.clear();
  }
  const std::string day = report.created_utc.substr(0, 10);
  judge_certification(fresh, profile, nullptr, {}, day, inapplicable_tests(report, profile));
  out.recomputed = *fresh.certification;

  const Certification& stated = *report.certification;
  const std::string baseline_note =
      stated.baseline_report_id.empty()
          ? std::string()
          : " (the report was judged against baseline report " + stated.baseline_report_id +
                "; a programme judges without one: certify without --baseline)";
  for (std::size_t i = 0; i < fresh.cases.size(); ++i) {
    const CaseResult& was = report.cases[i];
    const CaseResult& now = fresh.cases[i];
    if (was.verdict != now.verdict) {
      out.difference = "case " + was.id + " is stated " + std::string(verdict_name(was.verdict)) +
                       " but the profile makes it " + std::string(verdict_name(now.verdict)) +
                       (now.reason.empty() ? "" : " (" + now.reason + ")") + baseline_note;
      return out;
    }
    if (was.waiver != now.waiver) {
      out.difference = "case " + was.id + " is stated waived by '" + was.waiver +
                       "' but the profile's waivers in force on " + day + " give '" + now.waiver + "'";
      return out;
    }
    if (thresholds_text(was.thresholds) != thresholds_text(now.thresholds)) {
      out.difference = "case " + was.id + " states thresholds " + thresholds_text(was.thresholds) +
                       " but the profile gives " + thresholds_text(now.thresholds) + baseline_note;
      return out;
    }
    if (was.blocker != now.blocker) {
      out.difference = "case " + was.id + " is stated " +
                       (was.blocker ? "a blocker" : "not a blocker") + " but the profile says " +
                       (now.blocker ? "it is one" : "it is not");
      return out;
    }
  }
  if (stated.verdict != out.recomputed.verdict) {
    out.difference = "the report states " + stated.verdict + " but its cases make it " +
                     out.recomputed.verdict + baseline_note;
    return out;
  }
  if (stated.highest_tier != out.recomputed.highest_tier) {
    out.difference = "the report states highest tier " + tier_or_none(stated.highest_tier) +
                     " but its cases meet " + tier_or_none(out.recomputed.highest_tier) +
                     baseline_note;
    return out;
  }
  for (std::size_t i = 0; i < out.recomputed.tiers.size(); ++i) {
    const TierOutcome& now = out.recomputed.tiers[i];
    if (i >= stated.tiers.size() || stated.tiers[i].id != now.id || stated.tiers[i].met != now.met) {
      out.difference = "the report's tier " + now.id + " is not stated as the profile makes it (" +
                       (now.met ? "met" : "not met") + ")" + baseline_note;
      return out;
    }
  }
  if (stated.tiers.size() != out.recomputed.tiers.size()) {
    out.difference = "the report states tiers the profile does not have";
    return out;
  }
  out.judged = std::move(fresh);
  out.agrees = true;
  return out;
}

}  // namespace aicert
