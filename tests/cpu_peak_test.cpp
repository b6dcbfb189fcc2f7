// cpu:peak, loaded with dlopen as the harness does: every unit and dtype this CPU has a loop for
// computes the exact result over several blocks and threads, repeated runs included; a lane
// corrupted after the run is caught; what the CPU lacks is refused with the reason; the device
// states a nominal estimate with its formula for each loop it has.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "kernels/backend_api.h"
#include "tests/bench/cpu_plugin.h"
#include "workloads/peak_workload.h"

namespace aicert {
namespace {

// The plugin loaded as the benchmarks load it (throws, failing the test, when it cannot be).
Backend& backend() { return bench::cpu_backend(); }

PeakSpec spec(PeakUnit unit, DType dtype) {
  PeakSpec s;
  s.unit = unit;
  s.dtype = dtype;
  s.lanes = 5 * kPeakLaneMultiple;  // an odd number of blocks over the threads
  s.steps = 7;
  return s;
}

TEST(CpuPeak, EveryLoopThisCpuHasIsExactAndEveryOtherIsRefused) {
  int ran = 0;
  for (PeakUnit unit : {PeakUnit::vector, PeakUnit::matrix}) {
    for (DType dtype : {DType::fp32, DType::bf16, DType::fp16}) {
      if (unit == PeakUnit::matrix && dtype == DType::fp32) continue;
      const PeakSpec s = spec(unit, dtype);
      std::string why;
      auto kernel = backend().make(CaseSpec{s, 5}, 0, "cpu:peak", &why);
      if (!kernel) {
        EXPECT_EQ(why.rfind("not supported: ", 0), 0u) << s.shape_string() << ": " << why;
        continue;
      }
      ++ran;
      EXPECT_EQ(kernel->impl(), "cpu:peak");
      const HostTensors in = make_peak_tensors(s, 5);
      kernel->upload(in);
      for (int i = 0; i < 3; ++i) kernel->run();
      EXPECT_GT(kernel->elapsed_ms_since_last_sync(), 0.0);
      HostTensors out = in;
      kernel->download(out);
      const CheckResult r = check_peak(s, in, out);
      EXPECT_TRUE(r.passed) << s.shape_string() << " " << dtype_name(dtype) << ": " << r.reason;
      // The checker catches one lane gone wrong.
      static_cast<float*>(out.at("Y").data())[s.lanes - 1] += 2;
      EXPECT_FALSE(check_peak(s, in, out).passed);
    }
  }
  EXPECT_GE(ran, 1);  // vector fp32 runs on every CPU (generic loop at least)
}

TEST(CpuPeak, OfferedAndRefusesInvalidSpecs) {
  const auto impls = backend().implementations("peak");
  ASSERT_EQ(impls.size(), 1u);
  EXPECT_EQ(impls[0], "cpu:peak");
  PeakSpec even = spec(PeakUnit::vector, DType::fp32);
  even.steps = 4;
  std::string why;
  EXPECT_EQ(backend().make(CaseSpec{even, 5}, 0, "cpu:peak", &why), nullptr);
  EXPECT_NE(why.find("invalid peak case"), std::string::npos) << why;
}

TEST(CpuPeak, RunBeforeUploadIsALogicError) {
  std::string why;
  auto kernel = backend().make(CaseSpec{spec(PeakUnit::vector, DType::fp32), 5}, 0, "cpu:peak",
                               &why);
  ASSERT_NE(kernel, nullptr) << why;
  EXPECT_THROW(kernel->run(), std::logic_error);
}

// Every loop with an estimate states it: a positive number and how it is made up.
TEST(CpuPeak, NominalPeakIsStatedWithItsFormula) {
  const DeviceInfo d = backend().devices().at(0);
  const auto gflops = d.properties.find("nominal_peak_gflops.vector.fp32");
  if (gflops == d.properties.end()) {
    GTEST_SKIP() << "no nominal fp32 estimate here (generic loop, or no clock known)";
  }
  EXPECT_GT(std::strtod(gflops->second.c_str(), nullptr), 0.0);
  const std::string formula = d.properties.at("nominal_peak_formula.vector.fp32");
  EXPECT_NE(formula.find("cores x"), std::string::npos) << formula;
  EXPECT_NE(formula.find("MHz"), std::string::npos) << formula;
  EXPECT_NE(formula.find("FLOP/cycle"), std::string::npos) << formula;
}

}  // namespace
}  // namespace aicert
