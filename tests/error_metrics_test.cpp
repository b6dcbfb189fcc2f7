// Each error metric, and the checker catching injected errors (wrong element, NaN, Inf,
// write past the end).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "workloads/error_metrics.h"
#include "workloads/gemm_workload.h"

namespace aicert {
namespace {

Tensor fp32_tensor(const std::vector<float>& values) {
  Tensor t;
  t.name = "C";
  t.dtype = DType::fp32;
  t.dims = {static_cast<std::int64_t>(values.size())};
  t.is_output = true;
  t.buffer = GuardedBuffer(values.size() * sizeof(float));
  std::memcpy(t.data(), values.data(), values.size() * sizeof(float));
  return t;
}

Tolerance abs_tolerance(double bound) {
  Tolerance t;  // bound = c*u_acc*g*magnitude with c=g=magnitude=1
  t.c = 1;
  t.u_acc = bound;
  t.g = 1;
  return t;
}

TEST(ErrorMetrics, ExactOutputPasses) {
  const std::vector<double> ref{1, -2, 3, 0};
  const std::vector<double> mag{1, 1, 1, 1};
  const CheckResult r = compare_with_reference(fp32_tensor({1, -2, 3, 0}), ref.data(),
                                               mag.data(), abs_tolerance(1e-6));
  EXPECT_TRUE(r.passed) << r.reason;
  EXPECT_EQ(r.elements, 4u);
  EXPECT_EQ(r.wrong_count, 0u);
  EXPECT_EQ(r.max_abs_error, 0.0);
  EXPECT_EQ(r.nmse, 0.0);
  EXPECT_EQ(r.guard_bytes_touched, 0u);
}

TEST(ErrorMetrics, MetricsValues) {
  const std::vector<double> ref{1, -2, 4, 0};
  const std::vector<double> mag{1, 1, 1, 1};
  // errors 0.5, 0, 0.25, 0 -> max abs 0.5; max rel 0.5/4; nmse (0.25+0.0625)/(1+4+16).
  const CheckResult r = compare_with_reference(fp32_tensor({1.5f, -2, 4.25f, 0}), ref.data(),
                                               mag.data(), abs_tolerance(0.3));
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.wrong_count, 1u);
  EXPECT_DOUBLE_EQ(r.max_abs_error, 0.5);
  EXPECT_DOUBLE_EQ(r.max_rel_error, 0.125);
  EXPECT_DOUBLE_EQ(r.nmse, 0.3125 / 21.0);
  EXPECT_EQ(r.worst_index, 0);
  EXPECT_EQ(r.worst_value, 1.5);
  EXPECT_EQ(r.worst_reference, 1.0);
  EXPECT_NE(r.reason.find("1 of 4 elements"), std::string::npos) << r.reason;
}

TEST(ErrorMetrics, BoundIsPerElementMagnitude) {
  // The same absolute error passes where |A||B| is large and fails where it is small:
  // cancellation in one element does not loosen the others.
  const std::vector<double> ref{0, 0};
  const std::vector<double> mag{1000, 1};
  const CheckResult r = compare_with_reference(fp32_tensor({0.01f, 0.01f}), ref.data(),
                                               mag.data(), abs_tolerance(1e-4));
  EXPECT_EQ(r.wrong_count, 1u);
  EXPECT_EQ(r.worst_index, 1);
}

TEST(ErrorMetrics, OutputRoundingTermUsesReference) {
  Tolerance t;
  t.c = 1;
  t.u_out = 0.01;  // bound = 0.01*|ref|
  const std::vector<double> ref{100, 100};
  const std::vector<double> mag{0, 0};
  const CheckResult r =
      compare_with_reference(fp32_tensor({100.5f, 102}), ref.data(), mag.data(), t);
  EXPECT_EQ(r.wrong_count, 1u);
  EXPECT_EQ(r.worst_index, 1);
}

TEST(ErrorMetrics, NanAndInfAreCountedAndFail) {
  const std::vector<double> ref{1, 2, 3};
  const std::vector<double> mag{1, 1, 1};
  const CheckResult r = compare_with_reference(fp32_tensor({NAN, 2, INFINITY}), ref.data(),
                                               mag.data(), abs_tolerance(1e30));
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.nan_count, 1u);
  EXPECT_EQ(r.inf_count, 1u);
  EXPECT_EQ(r.wrong_count, 2u);
  EXPECT_TRUE(std::isfinite(r.max_abs_error));
  EXPECT_NE(r.reason.find("NaN"), std::string::npos);
}

TEST(ErrorMetrics, TouchedGuardFailsEvenWhenValuesAreRight) {
  Tensor t = fp32_tensor({1, 2});
  t.buffer.payload()[t.buffer.payload_bytes()] = std::byte{0};  // one byte past the end
  const std::vector<double> ref{1, 2};
  const std::vector<double> mag{1, 1};
  const CheckResult r = compare_with_reference(t, ref.data(), mag.data(), abs_tolerance(1));
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.guard_bytes_touched, 1u);
  EXPECT_NE(r.reason.find("out of bounds"), std::string::npos);

  Tensor before = fp32_tensor({1, 2});
  before.buffer.whole()[0] = std::byte{1};  // a write before the start
  EXPECT_FALSE(compare_with_reference(before, ref.data(), mag.data(), abs_tolerance(1)).passed);
}

// The GEMM checker end to end: the exact reference result passes; one flipped element fails.
TEST(GemmCheck, CatchesOneFlippedElement) {
  GemmSpec s;
  s.m = 33;
  s.n = 17;
  s.k = 65;
  s.beta = 0.5;
  for (DType t : {DType::fp32, DType::fp16, DType::bf16}) {
    s.dtype = t;
    const HostTensors in = make_gemm_tensors(s, 7);
    HostTensors out = in;
    const GemmReference ref = gemm_reference(s, in);
    Tensor& c = out.at("C");
    for (std::size_t i = 0; i < c.elements(); ++i) {
      store_from_float(c.data(), t, i, static_cast<float>(ref.value[i]));
    }
    const CheckResult good = check_gemm(s, in, out);
    EXPECT_TRUE(good.passed) << dtype_name(t) << ": " << good.reason;

    const std::size_t victim = 5 * 17 + 3;
    store_from_float(c.data(), t, victim, -load_as_float(c.data(), t, victim) + 0.5f);
    const CheckResult bad = check_gemm(s, in, out);
    EXPECT_FALSE(bad.passed) << dtype_name(t);
    EXPECT_EQ(bad.wrong_count, 1u);
    EXPECT_EQ(bad.worst_index, static_cast<std::int64_t>(victim));
  }
}

TEST(GemmCheck, CatchesSmallRelativeErrorInFp32) {
  // A 1e-3 relative error in fp32 is far beyond rounding and must fail.
  GemmSpec s;
  s.m = s.n = s.k = 64;
  const HostTensors in = make_gemm_tensors(s, 3);
  HostTensors out = in;
  const GemmReference ref = gemm_reference(s, in);
  Tensor& c = out.at("C");
  for (std::size_t i = 0; i < c.elements(); ++i) {
    store_from_float(c.data(), s.dtype, i, static_cast<float>(ref.value[i]));
  }
  store_from_float(c.data(), s.dtype, 100, static_cast<float>(ref.value[100] * 1.001 + 1e-3));
  EXPECT_FALSE(check_gemm(s, in, out).passed);
}

}  // namespace
}  // namespace aicert
