// The peak workload: its shape grammar and validation, the default plan, the exact check (which
// catches a kernel that did nothing, missed a lane or swapped two), and the registry's routing
// of UNIT:LANESxSTEPS shapes to it rather than to GEMM.
#include <gtest/gtest.h>

#include <limits>

#include "workloads/peak_workload.h"
#include "workloads/workload_registry.h"

namespace aicert {
namespace {

constexpr double kAnyMemory = std::numeric_limits<double>::infinity();

PeakSpec spec(PeakUnit unit, DType dtype, std::int64_t lanes = 2048, std::int64_t steps = 5) {
  PeakSpec s;
  s.unit = unit;
  s.dtype = dtype;
  s.lanes = lanes;
  s.steps = steps;
  return s;
}

// The output a right kernel gives: X + sum(A) in every lane.
HostTensors right_outputs(const PeakSpec& s, const HostTensors& in) {
  HostTensors out = in;
  const Tensor& a = in.at("A");
  double add = 0;
  for (std::size_t k = 0; k < a.elements(); ++k) add += load_as_float(a.data(), a.dtype, k);
  const auto* x = static_cast<const float*>(in.at("X").data());
  auto* y = static_cast<float*>(out.at("Y").data());
  for (std::int64_t i = 0; i < s.lanes; ++i) y[i] = static_cast<float>(x[i] + add);
  return out;
}

TEST(PeakWorkload, ShapeGrammarAndValidation) {
  std::string error;
  const auto s = parse_peak_shape("matrix:4096x9", &error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->unit, PeakUnit::matrix);
  EXPECT_EQ(s->lanes, 4096);
  EXPECT_EQ(s->steps, 9);
  EXPECT_EQ(s->shape_string(), "matrix:4096x9");
  for (const char* bad : {"vector", "scalar:1024x3", "vector:1024", "vector:1024x", "vector:x3",
                          "vector:1024x3x3", "vector:-1024x3"}) {
    EXPECT_FALSE(parse_peak_shape(bad, &error)) << bad;
    EXPECT_NE(error.find(bad), std::string::npos) << error;
  }
  EXPECT_EQ(validate_peak_spec(spec(PeakUnit::vector, DType::fp32), kAnyMemory), "");
  EXPECT_NE(validate_peak_spec(spec(PeakUnit::vector, DType::fp32, 2048, 4), kAnyMemory)
                .find("must be odd"),
            std::string::npos);
  EXPECT_NE(validate_peak_spec(spec(PeakUnit::vector, DType::fp32, 1000), kAnyMemory)
                .find("multiple of 1024"),
            std::string::npos);
  EXPECT_NE(validate_peak_spec(spec(PeakUnit::matrix, DType::fp32), kAnyMemory)
                .find("16-bit inputs"),
            std::string::npos);
  EXPECT_NE(validate_peak_spec(spec(PeakUnit::vector, DType::int32), kAnyMemory).find("int32"),
            std::string::npos);
  EXPECT_NE(validate_peak_spec(spec(PeakUnit::vector, DType::fp32), 1000).find("needs"),
            std::string::npos);
}

TEST(PeakWorkload, DepthAndFlops) {
  EXPECT_EQ(spec(PeakUnit::vector, DType::fp32).depth(), 1);
  EXPECT_EQ(spec(PeakUnit::vector, DType::bf16).depth(), 2);
  EXPECT_EQ(spec(PeakUnit::matrix, DType::fp16).depth(), 32);
  EXPECT_DOUBLE_EQ(spec(PeakUnit::matrix, DType::bf16, 1024, 3).flops(), 2.0 * 1024 * 3 * 32);
}

TEST(PeakWorkload, DefaultPlanIsEveryUnitAndDtypeThatExists) {
  const Workload& w = *find_workload("peak");
  const std::vector<WorkloadSpec> specs = w.plan_specs(WorkloadOptions{}, kAnyMemory);
  ASSERT_EQ(specs.size(), 5u);  // vector fp32 bf16 fp16, matrix bf16 fp16
  for (const WorkloadSpec& s : specs) {
    const PeakSpec& p = std::get<PeakSpec>(s);
    EXPECT_FALSE(p.unit == PeakUnit::matrix && p.dtype == DType::fp32);
    EXPECT_EQ(w.validate(s, kAnyMemory), "");
  }
  WorkloadOptions only_fp32;
  only_fp32.shapes = {"matrix:1024x3"};
  only_fp32.dtypes = {"fp32"};
  EXPECT_THROW(w.plan_specs(only_fp32, kAnyMemory), WorkloadOptionError);
  EXPECT_NE(w.check_item(kOptShapes, "vector:1024x4"), "");
  EXPECT_EQ(w.check_item(kOptShapes, "matrix:1024x5"), "");
}

TEST(PeakWorkload, ShapesWithAUnitArePeakShapesNotGemmShapes) {
  EXPECT_TRUE(find_workload("peak")->claims_shape("vector:1024x3"));
  EXPECT_FALSE(find_workload("gemm")->claims_shape("vector:1024x3"));
  EXPECT_TRUE(find_workload("gemm")->claims_shape("64x64x64"));
  EXPECT_FALSE(find_workload("peak")->claims_shape("64x64x64"));
}

TEST(PeakWorkload, RightResultPassesExactly) {
  for (const PeakSpec& s : {spec(PeakUnit::vector, DType::fp32), spec(PeakUnit::vector, DType::bf16),
                            spec(PeakUnit::matrix, DType::bf16), spec(PeakUnit::matrix, DType::fp16)}) {
    const HostTensors in = make_peak_tensors(s, 7);
    EXPECT_EQ(in.at("A").elements(), static_cast<std::size_t>(s.depth()));
    const CheckResult r = check_peak(s, in, right_outputs(s, in));
    EXPECT_TRUE(r.passed) << s.shape_string() << ": " << r.reason;
    EXPECT_TRUE(r.tolerance.exact);
  }
}

// The checker catches wrong results: nothing computed, one lane off by one, two lanes swapped,
// a guard byte written.
TEST(PeakWorkload, WrongResultsFail) {
  const PeakSpec s = spec(PeakUnit::vector, DType::fp32);
  const HostTensors in = make_peak_tensors(s, 7);
  HostTensors idle = in;
  std::copy_n(static_cast<const float*>(in.at("X").data()), s.lanes,
              static_cast<float*>(idle.at("Y").data()));
  EXPECT_FALSE(check_peak(s, in, idle).passed);

  HostTensors off = right_outputs(s, in);
  static_cast<float*>(off.at("Y").data())[777] += 1;
  const CheckResult r = check_peak(s, in, off);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.wrong_count, 1u);
  EXPECT_EQ(r.worst_index, 777);

  HostTensors swapped = right_outputs(s, in);
  auto* y = static_cast<float*>(swapped.at("Y").data());
  const auto* x = static_cast<const float*>(in.at("X").data());
  std::int64_t j = 1;
  while (x[j] == x[0]) ++j;  // two lanes that differ
  std::swap(y[0], y[j]);
  EXPECT_EQ(check_peak(s, in, swapped).wrong_count, 2u);

  HostTensors guard = right_outputs(s, in);
  guard.at("Y").buffer.whole()[GuardedBuffer::payload_offset() + s.lanes * 4] = std::byte{0};
  EXPECT_FALSE(check_peak(s, in, guard).passed);
}

TEST(PeakWorkload, SpecRoundTripsThroughTheRegistry) {
  const PeakSpec s = spec(PeakUnit::matrix, DType::bf16, 4096, 7);
  const Workload& w = workload_of(s);
  EXPECT_EQ(w.name(), "peak");
  EXPECT_EQ(w.shape(s), "matrix:4096x7");
  EXPECT_EQ(w.headline(s), "peak matrix bf16");
  EXPECT_DOUBLE_EQ(w.roofline_bytes(s), 8.0 * 4096);
  EXPECT_DOUBLE_EQ(workload_flops(s), s.flops());
}

}  // namespace
}  // namespace aicert
