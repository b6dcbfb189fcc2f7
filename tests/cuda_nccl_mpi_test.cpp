// cuda:nccl in an MPI job end to end: `mpirun -np N aicert run --workload collective --backend
// cuda`, the communicator bootstrapped through libaicert-mpi-bootstrap.so (unique id from rank 0),
// one GPU per rank, rank 0 writing the report. On one GPU: -np 1 runs every op x dtype and passes;
// -np 2 is refused by every rank alike (two ranks would share the GPU). With 2+ GPUs: -np 2
// passes. Without a GPU every test skips with the runtime's reason.
#include "cuda_test_util.h"
#include "reports/report_xml.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

const std::string kMpiEnv =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 "
    "OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none "
    "AICERT_COLLECTIVE_TIMEOUT_S=60 AICERT_PLUGIN_PATH=" AICERT_PLUGIN_DIR;

int gpus(std::string* why) {
  const test::CudaPlugin& p = test::cuda_plugin();
  if (!p.load_error.empty()) {
    *why = p.load_error;
    return -1;
  }
  if (!p.backend) {
    *why = p.why_unavailable;
    return 0;
  }
  return static_cast<int>(p.backend->devices().size());
}

#define REQUIRE_GPUS(n)                                                        \
  std::string why_no_gpu;                                                      \
  const int gpu_count = gpus(&why_no_gpu);                                     \
  ASSERT_GE(gpu_count, 0) << why_no_gpu;                                       \
  if (gpu_count == 0) GTEST_SKIP() << why_no_gpu;                              \
  if (gpu_count < (n)) GTEST_SKIP() << "needs " << (n) << " GPUs, found " << gpu_count

class CudaNcclMpiTest : public TempDirTest {
 protected:
  Report run(int ranks, const std::string& out) {
    const Outcome o = shell(kMpiEnv + " timeout 300 " + AICERT_MPIEXEC + " -np " +
                            std::to_string(ranks) + " " + kAicert +
                            " run --workload collective --backend cuda --ranks " +
                            std::to_string(ranks) +
                            " --sizes 8,4100,1048576 --dtype fp32,fp16,bf16,int32 --min-time-ms 1"
                            " --out " + out);
    output_ = o.output;
    EXPECT_NE(o.output.find("MPI job of " + std::to_string(ranks) + " ranks"), std::string::npos)
        << o.output;
    EXPECT_TRUE(std::filesystem::exists(out)) << o.output;
    if (!std::filesystem::exists(out)) return {};
    expect_valid_against_schema(out);
    return read_report_xml(out);
  }
  std::string output_;
};

// Every case on device 0 passes with the case's rank count; other devices are refused.
void expect_all_pass_on_device_zero(const Report& r, int ranks, const std::string& output) {
  int passed = 0;
  for (const auto& c : r.cases) {
    if (c.device != 0) {
      EXPECT_EQ(c.verdict, Verdict::not_supported) << c.id << ": " << c.reason;
      continue;
    }
    EXPECT_EQ(c.impl, "cuda:nccl");
    EXPECT_EQ(c.verdict, Verdict::pass) << c.id << ": " << c.reason;
    if (c.verdict != Verdict::pass) continue;
    ++passed;
    EXPECT_EQ(std::get<CollectiveSpec>(c.spec.spec).ranks, ranks);
    EXPECT_TRUE(c.check->tolerance.exact);
  }
  // 6 op choices (allreduce-sum/max, allgather, reducescatter-sum/max, broadcast, alltoall)...
  EXPECT_GE(passed, 5 * 4 * 3) << output;
}

TEST_F(CudaNcclMpiTest, OneRankPerGpuOnOneGpu) {
  REQUIRE_GPUS(1);
  const Report r = run(1, path("report.xml"));
  expect_all_pass_on_device_zero(r, 1, output_);
}

TEST_F(CudaNcclMpiTest, TwoRanksOnTwoGpus) {
  REQUIRE_GPUS(2);
  const Report r = run(2, path("report.xml"));
  expect_all_pass_on_device_zero(r, 2, output_);
}

TEST_F(CudaNcclMpiTest, TwoRanksOnOneGpuAreRefusedByEveryRank) {
  REQUIRE_GPUS(1);
  if (gpu_count > 1) GTEST_SKIP() << "more than one GPU: two ranks fit";
  const Report r = run(2, path("report.xml"));
  ASSERT_FALSE(r.cases.empty()) << output_;
  for (const auto& c : r.cases) {
    EXPECT_EQ(c.verdict, Verdict::not_supported) << c.id;
    EXPECT_NE(c.reason.find("2 ranks on this node, but 1 CUDA device(s)"), std::string::npos)
        << c.id << ": " << c.reason;
  }
}

}  // namespace
}  // namespace aicert
