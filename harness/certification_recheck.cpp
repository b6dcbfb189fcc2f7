// Recomputing a report's certification verdict; see certification_recheck.h.
#include "harness/certification_recheck.h"

#include <algorithm>
#include <set>

#include "harness/certification.h"

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

}  // namespace

RecheckOutcome recheck_certification(const Report& report, const Profile& profile) {
  RecheckOutcome out;
  if (!report.certification) {
    out.difference = "the report has no certification verdict (made by 'aicert run', not certify)";
    return out;
  }
  Report fresh = report;
  for (CaseResult& c : fresh.cases) {
    const ProfileTest* test = test_of(profile, c.test_id);
    if (test == nullptr) {
      out.difference = "case " + c.id + " belongs to test '" + c.test_id +
                       "', which the profile does not have";
      return out;
    }
    // Thresholds are judged only on cases that passed their checks, so a case with threshold
    // outcomes passed before the judge ran; a waived case without any had failed.
    Verdict measured = c.verdict;
    if (!c.thresholds.empty()) {
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
  out.agrees = true;
  return out;
}

}  // namespace aicert
