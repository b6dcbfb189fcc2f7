// cuda:nccl through the cuda plugin as the harness loads it (dlopen). Everywhere: the plugin
// loads without NCCL or MPI among its dependencies (NCCL is dlopen()ed at first use only).
// With a GPU: every op x dtype at 1 element, odd counts and 1 MiB on one rank and on every GPU
// (skipped with a reason on a one-GPU machine), max reductions, every broadcast root, a refusal
// when ranks > GPUs, an injected wrong element caught by the exact check, and the NCCL-missing
// path (AICERT_NCCL_LIBRARY naming a library that does not exist) as not-supported with reason,
// and a held stream (a hung rank) reported at the deadline with the communicators aborted.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cuda_test_util.h"
#include "tests/collective_test_util.h"
#include "workloads/collective_workload.h"

namespace aicert {
namespace {

test::CudaPlugin& plugin() { return test::cuda_plugin(); }

Backend& backend() { return *plugin().backend; }
int gpu_count() { return static_cast<int>(backend().devices().size()); }

using test::EnvVar;

using test::spec;

std::string label(const CollectiveSpec& s) {
  return s.shape_string() + " " + std::string(dtype_name(s.dtype));
}

// Uploads, runs `runs` times, times (a one-rank copy of a few bytes may time as 0), downloads
// into a Y filled with 0xFF, checks exactly.
CheckResult run_and_check(const CollectiveSpec& s, int runs = 2) {
  std::string why;
  auto kernel = backend().make(CaseSpec{s, 11}, 0, "cuda:nccl", &why);
  EXPECT_NE(kernel, nullptr) << label(s) << ": " << why;
  if (!kernel) return {};
  EXPECT_EQ(kernel->impl(), "cuda:nccl");
  const HostTensors in = make_collective_tensors(s, 11);
  kernel->upload(in);
  for (int i = 0; i < runs; ++i) kernel->run();
  const double ms = kernel->elapsed_ms_since_last_sync();
  EXPECT_GE(ms, 0.0) << label(s);
  HostTensors out = in;
  std::memset(out.at("Y").data(), 0xFF, out.at("Y").buffer.payload_bytes());
  kernel->download(out);
  return check_collective(s, in, out);
}

constexpr CollectiveOp kOps[] = {CollectiveOp::allreduce, CollectiveOp::allgather,
                                 CollectiveOp::reducescatter, CollectiveOp::broadcast,
                                 CollectiveOp::alltoall};
constexpr DType kTypes[] = {DType::fp32, DType::fp16, DType::bf16, DType::int32};

// 1 element, odd counts (uneven blocks for every rank count > 1), 1 MiB.
std::vector<std::int64_t> counts(DType t) {
  return {1, 7, 1001, 65537, (std::int64_t{1} << 20) / static_cast<std::int64_t>(dtype_size(t))};
}

void every_op_and_dtype(int ranks) {
  for (CollectiveOp op : kOps) {
    for (DType t : kTypes) {
      for (std::int64_t count : counts(t)) {
        const CollectiveSpec s = spec(op, ranks, count, t);
        const CheckResult c = run_and_check(s);
        ASSERT_TRUE(c.passed) << label(s) << ": " << c.reason;
      }
    }
  }
}

TEST(CudaNccl, PluginDoesNotLinkNcclOrMpi) {
  ASSERT_TRUE(plugin().load_error.empty()) << plugin().load_error;
  // Whatever create() did, libnccl is mapped only once a collective is made, never by loading.
  if (plugin().backend) GTEST_SKIP() << "a GPU is present: runtime_version() loads NCCL";
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  EXPECT_EQ(text.str().find("libnccl"), std::string::npos);
  EXPECT_EQ(text.str().find("libmpi"), std::string::npos);
}

TEST(CudaNccl, OffersNcclForCollectives) {
  REQUIRE_CUDA_BACKEND();
  EXPECT_EQ(backend().implementations("collective"), std::vector<std::string>{"cuda:nccl"});
  EXPECT_NE(backend().runtime_version().find("NCCL "), std::string::npos)
      << backend().runtime_version();
  std::string why;
  EXPECT_EQ(backend().make(CaseSpec{spec(CollectiveOp::allreduce, 1, 8, DType::fp32), 1}, 0,
                           "cuda:tiled", &why),
            nullptr);
  EXPECT_NE(why.find("cuda:nccl"), std::string::npos) << why;
}

TEST(CudaNccl, EveryOpAndDtypeOnOneRank) {
  REQUIRE_CUDA_BACKEND();
  every_op_and_dtype(1);
}

TEST(CudaNccl, EveryOpAndDtypeOnEveryGpu) {
  REQUIRE_CUDA_BACKEND();
  const int n = gpu_count();
  if (n < 2) GTEST_SKIP() << "one GPU only: collectives over 2+ GPUs need a second one";
  every_op_and_dtype(n);
  if (n > 2) every_op_and_dtype(2);
}

TEST(CudaNccl, MaxReductionsAndEveryBroadcastRoot) {
  REQUIRE_CUDA_BACKEND();
  const int n = gpu_count();
  for (CollectiveOp op : {CollectiveOp::allreduce, CollectiveOp::reducescatter}) {
    for (DType t : kTypes) {
      for (std::int64_t count : {std::int64_t{5}, std::int64_t{100003}}) {
        const CollectiveSpec s = spec(op, n, count, t, ReduceOp::max);
        const CheckResult c = run_and_check(s);
        ASSERT_TRUE(c.passed) << label(s) << " max: " << c.reason;
      }
    }
  }
  for (int root = 0; root < n; ++root) {
    CollectiveSpec s = spec(CollectiveOp::broadcast, n, 1000, DType::fp16);
    s.root = root;
    const CheckResult c = run_and_check(s);
    EXPECT_TRUE(c.passed) << "root " << root << ": " << c.reason;
  }
}

TEST(CudaNccl, RepeatedRunsAndSeveralKernelsInTurn) {
  REQUIRE_CUDA_BACKEND();
  const int n = gpu_count();
  EXPECT_TRUE(run_and_check(spec(CollectiveOp::allreduce, n, 1 << 20, DType::fp32), 20).passed);
  EXPECT_TRUE(run_and_check(spec(CollectiveOp::alltoall, n, 4099, DType::bf16), 5).passed);
}

TEST(CudaNccl, MoreRanksThanGpusIsNotSupported) {
  REQUIRE_CUDA_BACKEND();
  const int n = gpu_count();
  std::string why;
  EXPECT_EQ(backend().make(CaseSpec{spec(CollectiveOp::allreduce, n + 1, 64, DType::fp32), 1}, 0,
                           "cuda:nccl", &why),
            nullptr);
  EXPECT_NE(why.find("not supported: " + std::to_string(n + 1) + " ranks"), std::string::npos)
      << why;
  EXPECT_NE(why.find("one rank per GPU"), std::string::npos) << why;
  if (n >= 2) {
    EXPECT_EQ(backend().make(CaseSpec{spec(CollectiveOp::allreduce, 2, 64, DType::fp32), 1}, 1,
                             "cuda:nccl", &why),
              nullptr);
    EXPECT_NE(why.find("from device 0"), std::string::npos) << why;
  }
}

TEST(CudaNccl, InjectedWrongElementIsCaught) {
  REQUIRE_CUDA_BACKEND();
  const int n = gpu_count();
  const EnvVar fault("AICERT_NCCL_COLLECTIVE_FAULT", ("corrupt:" + std::to_string(n - 1)).c_str());
  for (CollectiveOp op : kOps) {
    for (DType t : kTypes) {
      const CollectiveSpec s = spec(op, n, 301, t);
      const CheckResult c = run_and_check(s, 1);
      EXPECT_FALSE(c.passed) << label(s);
      EXPECT_EQ(c.wrong_count, 1u) << label(s) << ": " << c.reason;
    }
  }
}

// A stream held like a hung peer: the wait gives up at the deadline, aborts the communicators
// and throws; the aborted kernel refuses further runs; a fresh kernel afterwards runs clean.
TEST(CudaNccl, HungRankIsReportedWithinTheTimeout) {
  REQUIRE_CUDA_BACKEND();
  const int n = gpu_count();
  for (CollectiveOp op : {CollectiveOp::allreduce, CollectiveOp::alltoall}) {
    const CollectiveSpec s = spec(op, n, 1000, DType::fp32);
    {
      const EnvVar fault("AICERT_NCCL_COLLECTIVE_FAULT", ("hang:" + std::to_string(n - 1)).c_str());
      const EnvVar timeout("AICERT_COLLECTIVE_TIMEOUT_S", "0.5");
      std::string why;
      auto k = backend().make(CaseSpec{s, 3}, 0, "cuda:nccl", &why);
      ASSERT_NE(k, nullptr) << why;
      k->upload(make_collective_tensors(s, 3));
      const auto start = std::chrono::steady_clock::now();
      try {
        k->run();
        k->elapsed_ms_since_last_sync();
        FAIL() << "expected a timeout";
      } catch (const std::exception& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("timed out after 0.5 s (AICERT_COLLECTIVE_TIMEOUT_S) waiting for "
                            "rank(s) "),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find("communicators aborted"), std::string::npos) << what;
      }
      const double taken =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      EXPECT_GE(taken, 0.5);
      EXPECT_LT(taken, 10.0);
      try {
        k->run();
        FAIL() << "an aborted kernel must not run again";
      } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("aborted after an earlier error"), std::string::npos)
            << e.what();
      }
    }
    const CheckResult c = run_and_check(s);
    EXPECT_TRUE(c.passed) << label(s) << " after the aborted one: " << c.reason;
  }
}

TEST(CudaNccl, MalformedFaultOrTimeoutIsAnError) {
  REQUIRE_CUDA_BACKEND();
  std::string why;
  {
    const EnvVar fault("AICERT_NCCL_COLLECTIVE_FAULT", "corrupt:x");
    EXPECT_THROW(backend().make(CaseSpec{spec(CollectiveOp::allreduce, 1, 8, DType::fp32), 1}, 0,
                                "cuda:nccl", &why),
                 std::invalid_argument);
  }
  {
    const EnvVar fault("AICERT_NCCL_COLLECTIVE_FAULT", "stall:0");
    EXPECT_THROW(backend().make(CaseSpec{spec(CollectiveOp::allreduce, 1, 8, DType::fp32), 1}, 0,
                                "cuda:nccl", &why),
                 std::invalid_argument);
  }
  const EnvVar timeout("AICERT_COLLECTIVE_TIMEOUT_S", "soon");
  EXPECT_THROW(backend().make(CaseSpec{spec(CollectiveOp::allreduce, 1, 8, DType::fp32), 1}, 0,
                              "cuda:nccl", &why),
               std::invalid_argument);
}

TEST(CudaNccl, MissingNcclIsNotSupportedWithTheReason) {
  REQUIRE_CUDA_BACKEND();
  const EnvVar missing("AICERT_NCCL_LIBRARY", "libnccl-aicert-missing.so.2");
  std::string why;
  EXPECT_EQ(backend().make(CaseSpec{spec(CollectiveOp::allreduce, 1, 64, DType::fp32), 1}, 0,
                           "cuda:nccl", &why),
            nullptr);
  EXPECT_EQ(why.rfind("not supported: libnccl-aicert-missing.so.2 not found: ", 0), 0u) << why;
  // The rest of the plugin works on: a GEMM still runs.
  GemmSpec g;
  g.m = g.n = g.k = 64;
  g.dtype = DType::fp32;
  EXPECT_NE(backend().make(CaseSpec{g, 1}, 0, "cuda:cublaslt", &why), nullptr) << why;
}

}  // namespace
}  // namespace aicert
