// Judges a certification run: performance thresholds per tier (absolute per device class,
// fraction of a peak measured in the same run, regression against a baseline report),
// waivers with expiry dates, and the overall CERTIFIED / NOT CERTIFIED / INCOMPLETE verdict
// with the highest tier met. Pure: the same report, profile, baseline and date give the same
// verdict, so a resumed run is judged exactly like an uninterrupted one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/profile.h"
#include "reports/report.h"

namespace aicert {

// Fills every case's thresholds (and turns a missed lowest-tier threshold into a fail),
// applies the waivers in force on `today` (YYYY-MM-DD), then sets report.summary and
// report.certification. `plan_notes` are what planning could not run (a blocker test that ran
// no case makes the run INCOMPLETE, unless it is one of `inapplicable_tests`: tests whose
// device kinds this machine has no device of); `baseline` may be null.
void judge_certification(Report& report, const Profile& profile, const Report* baseline,
                         const std::vector<std::string>& plan_notes, std::string_view today,
                         const std::vector<std::string>& inapplicable_tests = {});

// Today's date in UTC, YYYY-MM-DD.
std::string utc_today();

}  // namespace aicert
