// cpu:shm, the cpu backend's in-process collectives, loaded with dlopen exactly as the harness
// loads it: every op and dtype with 1, 2, 3 and 4 ranks at sizes from one element to several
// pipelined chunks (counts not divisible by the rank count included), repeated runs, and the
// injected faults: a rank that throws, a rank that hangs (reported within the timeout), a rank
// that writes a wrong element (caught by the exact check).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#include "kernels/backend_api.h"
#include "tests/collective_test_util.h"
#include "workloads/collective_workload.h"

namespace aicert {
namespace {

constexpr const char* kPluginFile = AICERT_PLUGIN_DIR "/aicert-backend-cpu.so";

const PluginEntry* plugin() {
  static const PluginEntry* entry = [] {
    void* handle = dlopen(kPluginFile, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return static_cast<const PluginEntry*>(nullptr);
    auto fn = reinterpret_cast<AicertPluginEntryFn>(dlsym(handle, AICERT_PLUGIN_ENTRY_SYMBOL));
    return fn ? fn() : nullptr;
  }();
  return entry;
}

Backend& backend() {
  static Backend* b = [] {
    std::string why;
    Backend* created = plugin() ? plugin()->create(&why) : nullptr;
    if (created == nullptr) ADD_FAILURE() << "cannot load " << kPluginFile << ": " << why;
    return created;
  }();
  return *b;
}

using test::spec;

std::unique_ptr<Kernel> make(const CollectiveSpec& s) {
  std::string why;
  auto k = backend().make(CaseSpec{s, 9}, 0, "cpu:shm", &why);
  EXPECT_NE(k, nullptr) << why;
  return k;
}

// Runs the collective `runs` times on fresh uploads' buffers and checks the downloaded result.
CheckResult run_and_check(const CollectiveSpec& s, int runs = 2) {
  auto kernel = make(s);
  if (!kernel) return {};
  const HostTensors in = make_collective_tensors(s, 9);
  kernel->upload(in);
  for (int i = 0; i < runs; ++i) kernel->run();
  EXPECT_GE(kernel->elapsed_ms_since_last_sync(), 0.0);
  HostTensors out = in;
  std::memset(out.at("Y").data(), 0xFF, out.at("Y").buffer.payload_bytes());
  kernel->download(out);
  return check_collective(s, in, out);
}

using test::EnvVar;

TEST(CpuCollective, OffersShmForCollectivesOnly) {
  EXPECT_EQ(backend().implementations("collective"), std::vector<std::string>{"cpu:shm"});
  std::string why;
  EXPECT_EQ(backend().make(CaseSpec{spec(CollectiveOp::allreduce, 2, 8, DType::fp32), 1}, 0,
                           "cpu:blocked", &why),
            nullptr);
  EXPECT_NE(why.find("cpu:shm"), std::string::npos) << why;
  EXPECT_EQ(backend().make(CaseSpec{spec(CollectiveOp::allreduce, 0, 8, DType::fp32), 1}, 0,
                           "cpu:shm", &why),
            nullptr);
}

// 1 element, small and odd counts (one-shot), one count past the one-shot size, and several
// pipelined chunks ending in a partial one; none divisible by 3 or 4.
constexpr std::int64_t kCounts[] = {1, 7, 1001, 40001, 200003};

TEST(CpuCollective, EveryOpAndDtypeWithOneToFourRanks) {
  for (CollectiveOp op :
       {CollectiveOp::allreduce, CollectiveOp::allgather, CollectiveOp::reducescatter,
        CollectiveOp::broadcast, CollectiveOp::alltoall}) {
    for (DType t : {DType::fp32, DType::bf16, DType::fp16, DType::int32}) {
      for (int n : {1, 2, 3, 4}) {
        for (std::int64_t count : kCounts) {
          // The largest size once per op and rank count is enough (it costs the most).
          if (count == 200003 && t != DType::fp32 && t != DType::bf16) continue;
          const CollectiveSpec s = spec(op, n, count, t);
          const CheckResult c = run_and_check(s);
          ASSERT_TRUE(c.passed) << s.shape_string() << " " << dtype_name(t) << ": " << c.reason;
        }
      }
    }
  }
}

TEST(CpuCollective, MaxReductions) {
  for (CollectiveOp op : {CollectiveOp::allreduce, CollectiveOp::reducescatter}) {
    for (DType t : {DType::fp32, DType::fp16, DType::int32}) {
      for (int n : {2, 3}) {
        for (std::int64_t count : {std::int64_t{5}, std::int64_t{100003}}) {
          const CollectiveSpec s = spec(op, n, count, t, ReduceOp::max);
          const CheckResult c = run_and_check(s);
          ASSERT_TRUE(c.passed) << s.shape_string() << " " << dtype_name(t) << ": " << c.reason;
        }
      }
    }
  }
}

TEST(CpuCollective, BroadcastFromEveryRootAndManyRanks) {
  for (int root = 0; root < 3; ++root) {
    CollectiveSpec s = spec(CollectiveOp::broadcast, 3, 1000, DType::fp16);
    s.root = root;
    EXPECT_TRUE(run_and_check(s).passed) << root;
  }
  // More ranks than the machine has cores: ranks share cores and still finish.
  EXPECT_TRUE(run_and_check(spec(CollectiveOp::allreduce, 7, 300001, DType::fp32), 3).passed);
}

TEST(CpuCollective, RankThatThrowsFailsTheRun) {
  const EnvVar fault("AICERT_CPU_COLLECTIVE_FAULT", "fail:1");
  auto k = make(spec(CollectiveOp::allreduce, 3, 100000, DType::fp32));
  k->upload(make_collective_tensors(spec(CollectiveOp::allreduce, 3, 100000, DType::fp32), 1));
  try {
    k->run();
    FAIL() << "expected the injected failure";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("rank 1 failed: injected failure"), std::string::npos)
        << e.what();
  }
}

TEST(CpuCollective, RankThatHangsIsReportedWithinTheTimeout) {
  const EnvVar fault("AICERT_CPU_COLLECTIVE_FAULT", "hang:1");
  const EnvVar timeout("AICERT_COLLECTIVE_TIMEOUT_S", "0.5");
  for (CollectiveOp op : {CollectiveOp::allreduce, CollectiveOp::alltoall}) {
    const CollectiveSpec s = spec(op, 2, 1000, DType::fp32);
    auto k = make(s);
    k->upload(make_collective_tensors(s, 1));
    const auto start = std::chrono::steady_clock::now();
    try {
      k->run();
      FAIL() << "expected a timeout";
    } catch (const std::exception& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("timed out after 0.5 s waiting for rank 1"), std::string::npos) << what;
    }
    const double s_taken =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_GE(s_taken, 0.5);
    EXPECT_LT(s_taken, 5.0);
  }
}

TEST(CpuCollective, RankThatWritesAWrongElementIsCaught) {
  const EnvVar fault("AICERT_CPU_COLLECTIVE_FAULT", "corrupt:2");
  for (CollectiveOp op :
       {CollectiveOp::allreduce, CollectiveOp::allgather, CollectiveOp::reducescatter,
        CollectiveOp::broadcast, CollectiveOp::alltoall}) {
    const CheckResult c = run_and_check(spec(op, 3, 301, DType::bf16), 1);
    EXPECT_FALSE(c.passed) << collective_op_name(op);
    EXPECT_EQ(c.wrong_count, 1u) << collective_op_name(op);
  }
}

TEST(CpuCollective, MalformedFaultOrTimeoutIsAnError) {
  const EnvVar timeout("AICERT_COLLECTIVE_TIMEOUT_S", "soon");
  std::string why;
  EXPECT_THROW(backend().make(CaseSpec{spec(CollectiveOp::allreduce, 2, 8, DType::fp32), 1}, 0,
                              "cpu:shm", &why),
               std::invalid_argument);
}

}  // namespace
}  // namespace aicert
