// Two OpenCL devices in one process (PoCL with POCL_DEVICES="pthread pthread", one thread each):
// global device indices, per-device kernels and results on the second device. Own executable:
// PoCL reads its environment once per process. Skips where PoCL is not the platform.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "opencl_test_util.h"
#include "workloads/collective_workload.h"

namespace aicert {
namespace {

// Runs before main(), hence before PoCL initialises.
const bool kTwoPoclDevices = [] {
  setenv("POCL_DEVICES", "pthread pthread", 1);
  setenv("POCL_MAX_PTHREAD_COUNT", "1", 1);
  return true;
}();

TEST(OpenClTwoDevices, GlobalIndicesAndGemmOnEachDevice) {
  ASSERT_TRUE(kTwoPoclDevices);
  test::OpenClPlugin p = test::load_opencl_plugin();
  ASSERT_TRUE(p.load_error.empty()) << p.load_error;
  if (!p.backend) GTEST_SKIP() << p.why_unavailable;
  const auto devices = p.backend->devices();
  std::vector<int> pocl;
  for (const auto& d : devices) {
    if (d.properties.at("platform_name").find("Portable Computing Language") != std::string::npos) {
      pocl.push_back(d.index);
    }
  }
  if (pocl.size() < 2) GTEST_SKIP() << "PoCL is not installed: POCL_DEVICES has no effect";
  for (std::size_t i = 0; i < devices.size(); ++i) EXPECT_EQ(devices[i].index, int(i));
  EXPECT_EQ(pocl[1], pocl[0] + 1);  // one platform's devices are numbered consecutively

  GemmSpec s;
  s.m = 45, s.n = 70, s.k = 33, s.layout = GemmLayout::NT, s.alpha = 1.25, s.beta = -0.5;
  for (int device : {pocl[0], pocl[1]}) {
    for (const std::string& impl : p.backend->implementations("gemm")) {
      SCOPED_TRACE("device " + std::to_string(device) + " " + impl);
      std::string why;
      auto kernel = p.backend->make(CaseSpec{s, 9}, device, impl, &why);
      ASSERT_NE(kernel, nullptr) << why;
      const auto r = test::run_gemm(*kernel, s);
      EXPECT_TRUE(r.check.passed) << test::describe(r.check);
      EXPECT_GT(r.elapsed_ms, 0.0);
    }
  }
}

// opencl:host-staged: each op and dtype over the two PoCL devices, odd counts included; a
// third rank is more than the platform has.
TEST(OpenClTwoDevices, HostStagedCollectivesOverThePlatformsDevices) {
  test::OpenClPlugin p = test::load_opencl_plugin();
  ASSERT_TRUE(p.load_error.empty()) << p.load_error;
  if (!p.backend) GTEST_SKIP() << p.why_unavailable;
  int first = -1, count = 0;
  for (const auto& d : p.backend->devices()) {
    if (d.properties.at("platform_name").find("Portable Computing Language") == std::string::npos) {
      continue;
    }
    if (first < 0) first = d.index;
    ++count;
  }
  if (count < 2) GTEST_SKIP() << "PoCL is not installed: POCL_DEVICES has no effect";
  EXPECT_EQ(p.backend->implementations("collective"),
            std::vector<std::string>{"opencl:host-staged"});
  for (CollectiveOp op : {CollectiveOp::allreduce, CollectiveOp::allgather,
                          CollectiveOp::reducescatter, CollectiveOp::broadcast,
                          CollectiveOp::alltoall}) {
    for (DType t : {DType::fp32, DType::fp16, DType::int32}) {
      for (std::int64_t n : {std::int64_t{1}, std::int64_t{1001}}) {
        CollectiveSpec s;
        s.op = op;
        s.ranks = 2;
        s.count = n;
        s.dtype = t;
        SCOPED_TRACE(s.shape_string() + " " + std::string(dtype_name(t)));
        std::string why;
        auto kernel = p.backend->make(CaseSpec{s, 5}, first, "opencl:host-staged", &why);
        ASSERT_NE(kernel, nullptr) << why;
        const HostTensors in = make_collective_tensors(s, 5);
        kernel->upload(in);
        kernel->run();
        kernel->run();
        EXPECT_GT(kernel->elapsed_ms_since_last_sync(), 0.0);
        HostTensors out = in;
        std::memset(out.at("Y").data(), 0xFF, out.at("Y").buffer.payload_bytes());
        kernel->download(out);
        const CheckResult c = check_collective(s, in, out);
        EXPECT_TRUE(c.passed) << c.reason;
      }
    }
  }
  CollectiveSpec three;
  three.ranks = 3;
  three.count = 8;
  std::string why;
  EXPECT_EQ(p.backend->make(CaseSpec{three, 1}, first, "opencl:host-staged", &why), nullptr);
  EXPECT_NE(why.find("POCL_DEVICES"), std::string::npos) << why;
  EXPECT_EQ(p.backend->make(CaseSpec{three, 1}, first + 1, "opencl:host-staged", &why), nullptr);
}

}  // namespace
}  // namespace aicert
