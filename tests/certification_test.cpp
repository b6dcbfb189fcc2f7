// Judging a certification: thresholds per tier (absolute with device classes, fraction of the
// peak of the same case, regression against a baseline), a missed lowest tier failing a case,
// the highest tier met, INCOMPLETE when a blocker test ran nothing, non-blockers not blocking.
#include "harness/certification.h"

#include "harness/certification_recheck.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace aicert {
namespace {

CaseResult passed_case(const std::string& test, const std::string& impl, double gflops,
                       std::int64_t m = 64) {
  CaseResult c;
  c.spec.spec = GemmSpec{m, 64, 64, GemmLayout::NN, DType::fp32, 1.0, 0.0};
  c.backend = "cpu";
  c.device_name = "Test CPU 9000";
  c.impl = impl;
  c.test_id = test;
  c.blocker = true;
  c.id = test + "/" + impl + "/" + std::to_string(m);
  c.verdict = Verdict::pass;
  c.gflops = gflops;
  return c;
}

Profile two_tier_profile() {
  Profile p;
  p.tiers = {"base", "gold"};
  ProfileTest t;
  t.id = "g";
  t.workload = "gemm";
  p.tests.push_back(t);
  return p;
}

ProfileThreshold absolute(const std::string& tier, double min, const std::string& name = "") {
  ProfileThreshold th;
  th.tier = tier;
  th.kind = ThresholdKind::absolute;
  th.min_figure = min;
  th.match.name_pattern = name;
  return th;
}

TEST(Certification, AllPassedIsCertifiedAtTheHighestTierMet) {
  Profile p = two_tier_profile();
  p.tests[0].thresholds = {absolute("base", 10), absolute("gold", 100)};
  Report r;
  r.cases = {passed_case("g", "a", 50), passed_case("g", "b", 150)};
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  EXPECT_EQ(r.certification->verdict, "CERTIFIED");
  EXPECT_EQ(r.certification->highest_tier, "base");
  EXPECT_TRUE(r.certification->tiers[0].met);
  EXPECT_FALSE(r.certification->tiers[1].met);
  EXPECT_NE(r.certification->tiers[1].reason.find("g/a/64"), std::string::npos);
  ASSERT_EQ(r.cases[0].thresholds.size(), 2u);
  EXPECT_EQ(r.cases[0].thresholds[1].status, "missed");
  EXPECT_EQ(r.cases[1].thresholds[1].status, "met");
}

TEST(Certification, MissingTheLowestTierFailsTheCase) {
  Profile p = two_tier_profile();
  p.tests[0].thresholds = {absolute("base", 60)};
  Report r;
  r.cases = {passed_case("g", "a", 50)};
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  EXPECT_EQ(r.cases[0].verdict, Verdict::fail);
  EXPECT_NE(r.cases[0].reason.find("below the base tier"), std::string::npos) << r.cases[0].reason;
  EXPECT_EQ(r.certification->verdict, "NOT CERTIFIED");
  EXPECT_EQ(r.summary.failed, 1);
}

TEST(Certification, AbsoluteThresholdsApplyOnlyToTheirDeviceClass) {
  Profile p = two_tier_profile();
  p.tests[0].thresholds = {absolute("base", 1e9, "*H100*"), absolute("base", 1, "Test CPU*")};
  Report r;
  r.cases = {passed_case("g", "a", 50)};
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  ASSERT_EQ(r.cases[0].thresholds.size(), 1u);  // the H100 threshold does not apply
  EXPECT_EQ(r.cases[0].thresholds[0].status, "met");
  EXPECT_EQ(r.certification->verdict, "CERTIFIED");
}

TEST(Certification, FractionOfPeakComparesTheSameCaseOnTheSameDevice) {
  Profile p = two_tier_profile();
  ProfileThreshold th;
  th.tier = "gold";
  th.kind = ThresholdKind::fraction_of_peak;
  th.fraction = 0.5;
  th.peak_impl = "vendor";
  p.tests[0].thresholds = {th};
  Report r;
  // A bigger shape's higher throughput is not the peak of the 64 case.
  r.cases = {passed_case("g", "own", 40), passed_case("g", "vendor", 100),
             passed_case("g", "vendor", 1000, 512)};
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  ASSERT_EQ(r.cases[0].thresholds.size(), 1u);
  EXPECT_DOUBLE_EQ(r.cases[0].thresholds[0].measured, 40.0);
  EXPECT_EQ(r.cases[0].thresholds[0].status, "missed");
  EXPECT_EQ(r.certification->highest_tier, "base");
  r.cases[0].gflops = 60;
  r.cases[0].thresholds.clear();
  for (auto& c : r.cases) c.thresholds.clear();
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  EXPECT_EQ(r.cases[0].thresholds[0].status, "met");
  EXPECT_EQ(r.certification->highest_tier, "gold");
}

CaseResult passed_collective(const std::string& impl, double busbw_gbps, std::int64_t count) {
  CaseResult c;
  CollectiveSpec s;
  s.ranks = 2;
  s.count = count;
  c.spec.spec = s;
  c.backend = "cpu";
  c.device_name = "Test CPU 9000";
  c.impl = impl;
  c.test_id = "c";
  c.blocker = true;
  c.id = "c/" + impl + "/" + std::to_string(count);
  c.verdict = Verdict::pass;
  c.bandwidth = Bandwidth{s.bytes(), busbw_gbps, busbw_gbps, 1.0, 1.0};
  return c;
}

// Collectives are judged by bus bandwidth, and only from min_message_bytes on.
TEST(Certification, CollectiveThresholdsJudgeBusBandwidthFromTheirMessageSizeOn) {
  Profile p;
  p.tiers = {"base", "gold"};
  ProfileTest t;
  t.id = "c";
  t.workload = "collective";
  ProfileThreshold base;
  base.tier = "base";
  base.kind = ThresholdKind::absolute;
  base.min_figure = 5;
  base.min_message_bytes = 1 << 20;
  ProfileThreshold gold = base;
  gold.tier = "gold";
  gold.kind = ThresholdKind::baseline;
  gold.max_regression_pct = 10;
  t.thresholds = {base, gold};
  p.tests.push_back(t);
  Report r;
  // 4 KiB at 0.1 GB/s: latency-bound, no threshold applies. 4 MiB at 8 GB/s: base met.
  r.cases = {passed_collective("cpu:shm", 0.1, 1024), passed_collective("cpu:shm", 8, 1 << 20)};
  Report baseline = r;
  baseline.cases[1].bandwidth->busbw_gbps = 10;  // was 10, now 8: 20% slower
  judge_certification(r, p, &baseline, {}, "2026-11-22");
  EXPECT_TRUE(r.cases[0].thresholds.empty());
  ASSERT_EQ(r.cases[1].thresholds.size(), 2u);
  EXPECT_EQ(r.cases[1].thresholds[0].unit, "GB/s busbw");
  EXPECT_DOUBLE_EQ(r.cases[1].thresholds[0].measured, 8.0);
  EXPECT_EQ(r.cases[1].thresholds[0].status, "met");
  EXPECT_DOUBLE_EQ(r.cases[1].thresholds[1].measured, -20.0);
  EXPECT_EQ(r.cases[1].thresholds[1].status, "missed");
  EXPECT_EQ(r.certification->highest_tier, "base");
  // Below the base tier's bus bandwidth the case fails.
  for (auto& c : r.cases) c.thresholds.clear();
  r.cases[1].bandwidth->busbw_gbps = 4;
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  EXPECT_EQ(r.cases[1].verdict, Verdict::fail);
  EXPECT_EQ(r.cases[0].verdict, Verdict::pass);
  EXPECT_EQ(r.certification->verdict, "NOT CERTIFIED");
}

TEST(Certification, BaselineRegressionBeyondTheLimitIsCaught) {
  Profile p = two_tier_profile();
  ProfileThreshold th;
  th.tier = "base";
  th.kind = ThresholdKind::baseline;
  th.max_regression_pct = 10;
  p.tests[0].thresholds = {th};
  Report baseline;
  baseline.report_id = "old";
  baseline.cases = {passed_case("g", "a", 100), passed_case("g", "b", 100)};
  Report r;
  r.cases = {passed_case("g", "a", 95), passed_case("g", "b", 80), passed_case("g", "new", 5)};
  judge_certification(r, p, &baseline, {}, "2026-11-22");
  EXPECT_EQ(r.cases[0].verdict, Verdict::pass);  // -5%: within 10%
  EXPECT_EQ(r.cases[1].verdict, Verdict::fail);  // -20%
  EXPECT_NEAR(r.cases[1].thresholds[0].measured, -20.0, 1e-9);
  EXPECT_EQ(r.cases[2].thresholds[0].status, "not-evaluated");  // not in the baseline
  EXPECT_EQ(r.certification->verdict, "NOT CERTIFIED");
  EXPECT_EQ(r.certification->baseline_report_id, "old");
  // Without a baseline nothing is evaluated and nothing fails.
  Report alone;
  alone.cases = {passed_case("g", "b", 80)};
  judge_certification(alone, p, nullptr, {}, "2026-11-22");
  EXPECT_EQ(alone.cases[0].thresholds[0].status, "not-evaluated");
  EXPECT_EQ(alone.certification->verdict, "CERTIFIED");
}

TEST(Certification, ABlockerTestThatRanNothingIsIncomplete) {
  Profile p = two_tier_profile();
  ProfileTest other;
  other.id = "h";
  other.workload = "gemm";
  p.tests.push_back(other);
  Report r;
  r.cases = {passed_case("g", "a", 50)};
  CaseResult ns = passed_case("h", "a", 0);
  ns.verdict = Verdict::not_supported;
  r.cases.push_back(ns);
  judge_certification(r, p, nullptr, {"test h: backend cuda unavailable"}, "2026-11-22");
  EXPECT_EQ(r.certification->verdict, "INCOMPLETE");
  EXPECT_NE(r.certification->reasons[0].find("blocker test h"), std::string::npos);
}

// A GPU-only test on a machine without a GPU is not for that machine: it does not make the
// run INCOMPLETE, while the same test with no such excuse still does.
TEST(Certification, ATestForDeviceKindsTheMachineLacksIsNotIncomplete) {
  Profile p = two_tier_profile();
  ProfileTest gpu_only;
  gpu_only.id = "h";
  gpu_only.workload = "gemm";
  gpu_only.device_kinds = {"gpu", "accelerator"};
  p.tests.push_back(gpu_only);
  Report r;
  r.cases = {passed_case("g", "a", 50)};
  const std::vector<std::string> notes{"test h: no case can run on this machine"};
  judge_certification(r, p, nullptr, notes, "2026-11-22", {"h"});
  EXPECT_EQ(r.certification->verdict, "CERTIFIED");
  EXPECT_NE(std::find(r.certification->reasons.begin(), r.certification->reasons.end(), notes[0]),
            r.certification->reasons.end());
  Report again;
  again.cases = {passed_case("g", "a", 50)};
  judge_certification(again, p, nullptr, notes, "2026-11-22");
  EXPECT_EQ(again.certification->verdict, "INCOMPLETE");
}

TEST(Certification, NonBlockerFailuresDoNotBlock) {
  Profile p = two_tier_profile();
  Report r;
  r.cases = {passed_case("g", "a", 50), passed_case("g", "b", 50)};
  r.cases[1].blocker = false;
  r.cases[1].verdict = Verdict::crash;
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  EXPECT_EQ(r.certification->verdict, "CERTIFIED");
  EXPECT_EQ(r.summary.errors, 1);
}

TEST(Certification, AWaiverCoversFailuresUntilItsExpiryDayEnds) {
  Profile p = two_tier_profile();
  p.waivers.push_back({"W", {"g"}, "*", "known bug", "2026-11-22"});
  Report r;
  r.cases = {passed_case("g", "a", 50)};
  r.cases[0].verdict = Verdict::timeout;
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  EXPECT_EQ(r.cases[0].verdict, Verdict::waived);
  EXPECT_EQ(r.certification->verdict, "CERTIFIED");
  r.cases[0].verdict = Verdict::timeout;
  judge_certification(r, p, nullptr, {}, "2026-11-23");
  EXPECT_EQ(r.cases[0].verdict, Verdict::timeout);
  EXPECT_EQ(r.certification->verdict, "NOT CERTIFIED");
}

// A passed case whose device throttled (telemetry), checked clean.
CaseResult throttled_case(const std::string& reason) {
  CaseResult c = passed_case("g", "a", 50);
  c.check.emplace();
  c.check->passed = true;
  CaseTelemetry& t = c.telemetry.emplace();
  t.source = "cpu-sysfs";
  t.throttled = true;
  t.throttle_reasons = {reason};
  return c;
}

TEST(Certification, AThrottledCaseFailsOnlyForTheKindsTheProfileNames) {
  Profile p = two_tier_profile();
  Report r;
  r.cases = {throttled_case("thermal: 3 throttle events")};
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  EXPECT_EQ(r.cases[0].verdict, Verdict::pass) << "no <telemetry fail-on>: recorded, not judged";

  p.telemetry_fail_on = {"power-brake"};
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  EXPECT_EQ(r.cases[0].verdict, Verdict::pass) << "thermal is not a kind this profile fails on";

  p.telemetry_fail_on = {"power-brake", "thermal"};
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  EXPECT_EQ(r.cases[0].verdict, Verdict::fail);
  EXPECT_EQ(r.cases[0].reason,
            "throttled while timed (thermal: 3 throttle events): the profile fails cases on "
            "power-brake thermal");
  EXPECT_EQ(r.certification->verdict, "NOT CERTIFIED");
}

TEST(Certification, TheRecheckUndoesATelemetryFailAndCatchesAThrottledPassStated) {
  Profile p = two_tier_profile();
  p.telemetry_fail_on = {"thermal"};
  p.tests[0].specs = {GemmSpec{64, 64, 64, GemmLayout::NN, DType::fp32, 1.0, 0.0}};
  Report r;
  r.created_utc = "2026-11-22T10:00:00Z";
  r.cases = {throttled_case("thermal: 1 throttle events")};
  judge_certification(r, p, nullptr, {}, "2026-11-22");
  ASSERT_EQ(r.cases[0].verdict, Verdict::fail);
  const RecheckOutcome honest = recheck_certification(r, p);
  EXPECT_TRUE(honest.agrees) << honest.difference;

  Report forged = r;  // the same measurements stated as passed and certified
  forged.cases[0].verdict = Verdict::pass;
  forged.cases[0].reason.clear();
  forged.certification->verdict = "CERTIFIED";
  const RecheckOutcome caught = recheck_certification(forged, p);
  EXPECT_FALSE(caught.agrees);
  EXPECT_NE(caught.difference.find("throttled while timed"), std::string::npos)
      << caught.difference;
}

}  // namespace
}  // namespace aicert
