// Rooflines from a report's own cases (reports/roofline.h) and the fraction-of-roofline
// threshold: compute- and memory-bound cases, the dtype's ceiling (fp32 units serve bf16 GEMMs
// where no bf16 unit was measured), the largest stream size as the memory ceiling, nothing
// without a peak or a stream case, other devices ignored; the judge's best-implementation and
// each-implementation rules, not-evaluated without ceilings, the nominal estimate of peak cases.
#include "reports/roofline.h"

#include <gtest/gtest.h>

#include "harness/certification.h"
#include "reports/roofline_html.h"

namespace aicert {
namespace {

CaseResult passed(const std::string& id, WorkloadSpec spec, double gflops, int device = 0) {
  CaseResult c;
  c.id = id;
  c.spec.spec = std::move(spec);
  c.backend = "cpu";
  c.device = device;
  c.impl = "cpu:x";
  c.verdict = Verdict::pass;
  c.gflops = gflops;
  c.test_id = "g";
  c.blocker = true;
  return c;
}

CaseResult peak(DType dtype, PeakUnit unit, double gflops, int device = 0) {
  PeakSpec p;
  p.unit = unit;
  p.dtype = dtype;
  p.lanes = 1024;
  p.steps = 1;
  return passed("peak/" + std::string(dtype_name(dtype)) + "/" +
                    std::string(peak_unit_name(unit)),
                p, gflops, device);
}

CaseResult stream(std::int64_t count, double gbps, int device = 0) {
  StreamSpec s;
  s.count = count;
  CaseResult c = passed("stream/" + std::to_string(count), s, 0, device);
  c.bandwidth = Bandwidth{s.bytes(), gbps, gbps, 1.0, 1.0};
  return c;
}

WorkloadSpec gemm(std::int64_t m, std::int64_t n, std::int64_t k, DType dtype = DType::fp32) {
  return GemmSpec{m, n, k, GemmLayout::NN, dtype, 1.0, 0.0};
}

TEST(Roofline, ComputeBoundGemmAgainstTheFp32Peak) {
  const std::vector<CaseResult> cases = {peak(DType::fp32, PeakUnit::vector, 500),
                                         stream(1 << 26, 40), stream(1000, 400),
                                         passed("g", gemm(2048, 2048, 2048), 400)};
  std::string why;
  const auto r = roofline_of(cases[3], cases, &why);
  ASSERT_TRUE(r) << why;
  EXPECT_DOUBLE_EQ(r->intensity, 2.0 * 2048 / 12);  // 2MNK / (4 (MK + KN + MN))
  EXPECT_EQ(r->bound, "compute");
  EXPECT_DOUBLE_EQ(r->roofline_gflops, 500);
  EXPECT_DOUBLE_EQ(r->fraction, 0.8);
  EXPECT_EQ(r->compute_case, "peak/fp32/vector");
  EXPECT_EQ(r->bandwidth_case, "stream/67108864");  // the largest array, not the cached one
  EXPECT_DOUBLE_EQ(r->bandwidth_gbps, 40);
}

TEST(Roofline, DecodeGemmIsMemoryBound) {
  const std::vector<CaseResult> cases = {peak(DType::fp32, PeakUnit::vector, 500),
                                         stream(1 << 26, 40),
                                         passed("g", gemm(1, 4096, 4096), 15)};
  const auto r = roofline_of(cases[2], cases);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bound, "memory");
  EXPECT_NEAR(r->intensity, 0.5, 0.001);
  EXPECT_NEAR(r->roofline_gflops, r->intensity * 40, 1e-9);
  EXPECT_NEAR(r->fraction, 15 / (r->intensity * 40), 1e-9);
}

TEST(Roofline, ADtypeTakesTheBestUnitThatComputesItsProducts) {
  std::vector<CaseResult> cases = {peak(DType::fp32, PeakUnit::vector, 500), stream(1 << 26, 40),
                                   passed("g", gemm(2048, 2048, 2048, DType::bf16), 1000)};
  auto r = roofline_of(cases[2], cases);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->compute_case, "peak/fp32/vector");  // bf16 values are fp32 values
  cases.push_back(peak(DType::bf16, PeakUnit::matrix, 8000));
  cases.push_back(peak(DType::fp16, PeakUnit::matrix, 9000));  // not a bf16 unit
  r = roofline_of(cases[2], cases);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->compute_case, "peak/bf16/matrix");
  EXPECT_DOUBLE_EQ(r->compute_gflops, 8000);
}

TEST(Roofline, NothingWithoutBothCeilingsOnTheSameDevice) {
  std::string why;
  std::vector<CaseResult> cases = {peak(DType::fp32, PeakUnit::vector, 500),
                                   stream(1 << 26, 40, 1),
                                   passed("g", gemm(64, 64, 64), 10)};
  EXPECT_FALSE(roofline_of(cases[2], cases, &why));
  EXPECT_NE(why.find("no stream case"), std::string::npos) << why;
  cases = {peak(DType::fp32, PeakUnit::vector, 500, 1), stream(1 << 26, 40),
           passed("g", gemm(64, 64, 64), 10)};
  EXPECT_FALSE(roofline_of(cases[2], cases, &why));
  EXPECT_NE(why.find("no peak case"), std::string::npos) << why;
  cases[0].device = 0;
  cases[0].verdict = Verdict::fail;  // a failed peak is no ceiling
  EXPECT_FALSE(roofline_of(cases[2], cases, &why));
  // Collectives, streams and peaks have none.
  cases[0].verdict = Verdict::pass;
  EXPECT_FALSE(roofline_of(cases[0], cases));
  EXPECT_FALSE(roofline_of(cases[1], cases));
}

Profile roofline_profile(bool each) {
  Profile p;
  p.tiers = {"base", "gold"};
  ProfileTest t;
  t.id = "g";
  t.workload = "gemm";
  ProfileThreshold th;
  th.tier = "gold";
  th.kind = ThresholdKind::fraction_of_roofline;
  th.fraction = 0.5;
  th.roofline_each_implementation = each;
  t.thresholds = {th};
  p.tests.push_back(t);
  return p;
}

TEST(Roofline, ThresholdJudgesTheBestImplementationUnlessEachIsAsked) {
  Report r;
  r.cases = {peak(DType::fp32, PeakUnit::vector, 500), stream(1 << 26, 40),
             passed("own", gemm(2048, 2048, 2048), 100), passed("vendor", gemm(2048, 2048, 2048), 300)};
  r.cases[0].test_id = r.cases[1].test_id = "p";
  judge_certification(r, roofline_profile(false), nullptr, {}, "2026-12-07");
  ASSERT_EQ(r.cases[2].thresholds.size(), 1u);
  EXPECT_EQ(r.cases[2].thresholds[0].kind, "fraction-of-roofline");
  EXPECT_EQ(r.cases[2].thresholds[0].status, "met");  // the vendor's 60% stands for the shape
  EXPECT_DOUBLE_EQ(r.cases[2].thresholds[0].measured, 60);
  ASSERT_TRUE(r.cases[2].roofline);  // the judge attached every case's own standing
  EXPECT_DOUBLE_EQ(r.cases[2].roofline->fraction, 0.2);
  EXPECT_EQ(r.certification->highest_tier, "gold");

  for (auto& c : r.cases) c.thresholds.clear();
  judge_certification(r, roofline_profile(true), nullptr, {}, "2026-12-07");
  EXPECT_EQ(r.cases[2].thresholds[0].status, "missed");
  EXPECT_DOUBLE_EQ(r.cases[2].thresholds[0].measured, 20);
  EXPECT_EQ(r.cases[3].thresholds[0].status, "met");
  EXPECT_EQ(r.certification->highest_tier, "base");
}

TEST(Roofline, ThresholdWithoutCeilingsIsNotEvaluated) {
  Report r;
  r.cases = {passed("own", gemm(64, 64, 64), 100)};
  judge_certification(r, roofline_profile(false), nullptr, {}, "2026-12-07");
  ASSERT_EQ(r.cases[0].thresholds.size(), 1u);
  EXPECT_EQ(r.cases[0].thresholds[0].status, "not-evaluated");
  EXPECT_NE(r.cases[0].thresholds[0].description.find("no peak case"), std::string::npos);
}

TEST(Roofline, PeakCasesGetTheirDevicesNominalEstimate) {
  Report r;
  r.cases = {peak(DType::fp32, PeakUnit::vector, 480), peak(DType::bf16, PeakUnit::vector, 240)};
  BackendDeviceInfo d;
  d.backend = "cpu";
  d.index = 0;
  d.properties["nominal_peak_gflops.vector.fp32"] = "533.0";
  d.properties["nominal_peak_formula.vector.fp32"] = "2 cores x 4164 MHz x 64 FLOP/cycle";
  r.inventory.devices.push_back(d);
  attach_rooflines(r);
  ASSERT_TRUE(r.cases[0].nominal);
  EXPECT_DOUBLE_EQ(r.cases[0].nominal->gflops, 533.0);
  EXPECT_NEAR(r.cases[0].nominal->fraction, 480 / 533.0, 1e-12);
  EXPECT_EQ(r.cases[0].nominal->formula, "2 cores x 4164 MHz x 64 FLOP/cycle");
  EXPECT_FALSE(r.cases[1].nominal);  // the device states none for bf16
}

// The HTML chart: one per device with rooflines, a point per case with its % in the tooltip, a
// line per compute ceiling; nothing at all for a report without rooflines.
TEST(Roofline, HtmlChartHasAPointPerCaseAndItsCeilings) {
  Report r;
  r.cases = {peak(DType::fp32, PeakUnit::vector, 500), stream(1 << 26, 40),
             passed("own", gemm(2048, 2048, 2048), 400), passed("decode", gemm(1, 4096, 4096), 15)};
  std::ostringstream none;
  roofline_section(none, r);
  EXPECT_EQ(none.str(), "");
  attach_rooflines(r);
  std::ostringstream h;
  roofline_section(h, r);
  const std::string html = h.str();
  EXPECT_NE(html.find("<h2 id=\"roofline\">"), std::string::npos);
  EXPECT_NE(html.find("own: 400 GFLOP/s, 80% of roofline (compute-bound)"), std::string::npos);
  EXPECT_NE(html.find("(memory-bound)"), std::string::npos);
  EXPECT_NE(html.find("500 GFLOP/s: peak/fp32/vector"), std::string::npos);
  std::size_t points = 0;
  for (std::size_t at = html.find("<circle cx"); at != std::string::npos;
       at = html.find("<circle cx", at + 1)) {
    ++points;
  }
  EXPECT_EQ(points, 2u + 1u);  // two cases and the key of their one implementation
}

}  // namespace
}  // namespace aicert
