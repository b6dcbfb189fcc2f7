// Recomputes the certification verdict of a finished report from its own cases and a profile,
// as a programme does before it accepts a submission: a report whose stated verdict, tiers or
// case verdicts are not what the profile makes of its measured cases is refused.
#pragma once

#include <string>

#include "harness/profile.h"
#include "reports/report.h"

namespace aicert {

struct RecheckOutcome {
  bool agrees = false;
  std::string difference;        // the first disagreement, in words, when !agrees
  Certification recomputed;      // the verdict the profile gives the report's cases
  Report judged;                 // the report as the profile judges it (its cases' waivers, ...)
};

// Undoes the judgement recorded in `report` (thresholds, the fails they caused, waivers), judges
// the measured cases again with `profile` on the date the report was made, and compares
// verdict, highest tier, each tier and each case's verdict, waiver and threshold outcomes with
// what the report states. Also a disagreement: a case recorded as passed whose own check failed,
// a checked case stated not-supported or skipped, a case whose backend, implementation or spec
// its test does not plan, a case id twice. The programme has no
// baseline report, so a report judged against one (--baseline) is judged without it here: it
// agrees only when the baseline thresholds did not decide anything.
RecheckOutcome recheck_certification(const Report& report, const Profile& profile);

}  // namespace aicert
