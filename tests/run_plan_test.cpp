// Planning of `aicert run` against the real plugins of the build tree.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "harness/exit_codes.h"
#include "harness/run_plan.h"

namespace aicert {
namespace {

TEST(RunPlan, DefaultsExpandToEveryShapeDtypeAndImplementation) {
  const PluginRegistry registry = PluginRegistry::load_all();
  ASSERT_NE(registry.find("cpu"), nullptr);
  ASSERT_TRUE(registry.find("cpu")->available) << registry.find("cpu")->reason;
  RunOptions o;
  o.backends = {"cpu"};
  const auto plan = plan_run(o, registry, 1e10);
  // GEMM: 3 default shapes x 3 dtypes x 3 implementations; attention: 3 x 3 x 2 (cpu:flash,
  // cpu:onednn).
  EXPECT_EQ(plan.size(), 45u);
  std::set<std::string> ids;
  for (const auto& r : plan) ids.insert(case_id(r));
  EXPECT_EQ(ids.size(), plan.size()) << "case ids must be unique";
  EXPECT_TRUE(ids.count("gemm/cpu0/cpu:blocked/bf16/NT/257x129x300"));
  EXPECT_TRUE(ids.count("attention/cpu0/cpu:flash/fp16/causal/1,8,2,256,64"));
  EXPECT_TRUE(ids.count("attention/cpu0/cpu:flash/bf16/full/1,8,8,1,128,500"));
}

TEST(RunPlan, AttentionShapesNameTheirWorkloadAndTakeTheCausalFlag) {
  const PluginRegistry registry = PluginRegistry::load_all();
  RunOptions o;
  o.backends = {"cpu"};
  o.shapes = {"1,16,4,128,64", "2,8,1,1,128,300"};
  o.dtypes = {"bf16"};
  o.impls = {"cpu:flash"};
  o.causal = true;
  const auto plan = plan_run(o, registry, 1e10);
  ASSERT_EQ(plan.size(), 2u);  // only attention: the shapes name it
  const auto& a = std::get<AttentionSpec>(plan[0].spec.spec);
  EXPECT_TRUE(a.causal);
  EXPECT_EQ(a.kv_heads, 4);
  EXPECT_EQ(case_id(plan[0]), "attention/cpu0/cpu:flash/bf16/causal/1,16,4,128,64");
  EXPECT_EQ(case_id(plan[1]), "attention/cpu0/cpu:flash/bf16/causal/2,8,1,1,128,300");

  // --workload all with a GEMM shape: GEMM takes the shape, attention runs its defaults.
  RunOptions mixed;
  mixed.backends = {"cpu"};
  mixed.workloads = {"all"};
  mixed.shapes = {"8x8x8"};
  mixed.dtypes = {"fp32"};
  mixed.impls = {"cpu:blocked", "cpu:flash"};
  EXPECT_EQ(plan_run(mixed, registry, 1e10).size(), 4u);  // 1 GEMM + 3 attention defaults

  RunOptions wrong;
  wrong.backends = {"cpu"};
  wrong.workloads = {"gemm"};
  wrong.shapes = {"1,2,2,8,64"};
  EXPECT_THROW(plan_run(wrong, registry, 1e10), UsageError);
  RunOptions bad;
  bad.backends = {"cpu"};
  bad.shapes = {"1,6,4,8,64"};
  try {
    plan_run(bad, registry, 1e10);
    FAIL() << "expected a usage error";
  } catch (const UsageError& e) {
    EXPECT_NE(e.message.find("divide"), std::string::npos) << e.message;
  }
}

TEST(RunPlan, ExplicitOptionsNarrowThePlan) {
  const PluginRegistry registry = PluginRegistry::load_all();
  RunOptions o;
  o.backends = {"cpu"};
  o.impls = {"cpu:blocked"};
  o.shapes = {"17x33x65", "1x1x1"};
  o.dtypes = {"bf16"};
  o.layout = "TN";
  o.beta = 2;
  const auto plan = plan_run(o, registry, 1e10);
  ASSERT_EQ(plan.size(), 2u);
  const auto& g = std::get<GemmSpec>(plan[0].spec.spec);
  EXPECT_EQ(g.layout, GemmLayout::TN);
  EXPECT_EQ(g.dtype, DType::bf16);
  EXPECT_EQ(g.beta, 2);
  EXPECT_EQ(case_id(plan[0]), "gemm/cpu0/cpu:blocked/bf16/TN/17x33x65");
}

// fp8e4m3 is a GEMM input type: asked for with the default workloads, GEMM gets it and
// attention does not; the defaults never include it.
TEST(RunPlan, Fp8IsForGemmOnlyAndOnlyWhenAsked) {
  const PluginRegistry registry = PluginRegistry::load_all();
  RunOptions o;
  o.backends = {"cpu"};
  o.impls = {"cpu:blocked", "cpu:flash"};
  o.dtypes = {"fp8e4m3", "bf16"};
  int gemm_fp8 = 0, attention = 0;
  for (const auto& r : plan_run(o, registry, 1e10)) {
    if (const auto* g = std::get_if<GemmSpec>(&r.spec.spec)) {
      gemm_fp8 += g->dtype == DType::fp8e4m3;
    } else if (const auto* a = std::get_if<AttentionSpec>(&r.spec.spec)) {
      EXPECT_NE(a->dtype, DType::fp8e4m3);
      ++attention;
    }
  }
  EXPECT_EQ(gemm_fp8, 3);  // the three default GEMM shapes
  EXPECT_EQ(attention, 3);  // bf16 only
  RunOptions defaults;
  defaults.backends = {"cpu"};
  for (const auto& r : plan_run(defaults, registry, 1e10)) {
    EXPECT_NE(workload_dtype(r.spec.spec), DType::fp8e4m3);
  }
}

TEST(RunPlan, CollectiveDefaultsSweepEveryOpDtypeAndSize) {
  const PluginRegistry registry = PluginRegistry::load_all();
  RunOptions o;
  o.workloads = {"collective"};
  o.backends = {"cpu"};
  const auto plan = plan_run(o, registry, 1e11);
  // 6 ops (allreduce sum and max) x 4 dtypes x 24 sizes (8 B .. 64 MiB by 2), 2 ranks.
  EXPECT_EQ(plan.size(), 6u * 4u * 24u);
  std::set<std::string> ids;
  for (const auto& r : plan) ids.insert(case_id(r));
  EXPECT_EQ(ids.size(), plan.size()) << "case ids must be unique";
  EXPECT_TRUE(ids.count("collective/cpu0/cpu:shm/int32/alltoall/r2/67108864B"));
  EXPECT_TRUE(ids.count("collective/cpu0/cpu:shm/bf16/allreduce-max/r2/8B"));
}

TEST(RunPlan, CollectiveOptionsNarrowThePlan) {
  const PluginRegistry registry = PluginRegistry::load_all();
  RunOptions o;
  o.workloads = {"collective"};
  o.backends = {"cpu"};
  o.ops = {"allreduce", "reducescatter-max"};
  o.ranks = {3, 4};
  o.dtypes = {"fp16"};
  o.min_bytes = 6;
  o.max_bytes = 54;
  o.size_factor = 3;
  const auto plan = plan_run(o, registry, 1e10);
  ASSERT_EQ(plan.size(), 2u * 2u * 3u);  // 6, 18, 54 bytes: 3, 9, 27 elements
  EXPECT_EQ(case_id(plan[0]), "collective/cpu0/cpu:shm/fp16/allreduce-sum/r3/6B");
  const auto& c = std::get<CollectiveSpec>(plan.back().spec.spec);
  EXPECT_EQ(c.op, CollectiveOp::reducescatter);
  EXPECT_EQ(c.reduce, ReduceOp::max);
  EXPECT_EQ(c.ranks, 4);
  EXPECT_EQ(c.count, 27);

  for (auto bad : std::vector<std::function<void(RunOptions&)>>{
           [](RunOptions& x) { x.ops = {"allgather-max"}; },
           [](RunOptions& x) { x.ops = {"gather"}; },
           [](RunOptions& x) { x.ranks = {0}; },
           [](RunOptions& x) { x.size_factor = 1; },
           [](RunOptions& x) { x.min_bytes = 100; },
           [](RunOptions& x) { x.shapes = {"8x8x8"}; },
           [](RunOptions& x) { x.dtypes = {"fp64"}; }}) {
    RunOptions b = o;
    bad(b);
    EXPECT_THROW(plan_run(b, registry, 1e10), UsageError);
  }
  RunOptions gemm;
  gemm.workloads = {"gemm"};
  gemm.ranks = {2};
  EXPECT_THROW(plan_run(gemm, registry, 1e10), UsageError);  // --ranks is a collective option
  RunOptions implied;
  implied.backends = {"cpu"};
  implied.ops = {"allgather"};
  implied.sizes = {64};
  const auto by_op = plan_run(implied, registry, 1e10);  // --op alone selects the collectives
  ASSERT_FALSE(by_op.empty());
  EXPECT_TRUE(std::holds_alternative<CollectiveSpec>(by_op.front().spec.spec));
}

TEST(RunPlan, UnavailableBackendAskedForByNameIsAUsageError) {
  const PluginRegistry registry = PluginRegistry::load_all();
  RunOptions o;
  o.backends = {"level_zero"};
  try {
    plan_run(o, registry, 1e10);
    FAIL() << "expected a usage error";
  } catch (const UsageError& e) {
    EXPECT_NE(e.message.find("level_zero is unavailable"), std::string::npos) << e.message;
  }
}

TEST(RunPlan, ShapeTooLargeForMemoryIsRejected) {
  const PluginRegistry registry = PluginRegistry::load_all();
  RunOptions o;
  o.backends = {"cpu"};
  o.shapes = {"4096x4096x4096"};
  EXPECT_THROW(plan_run(o, registry, 1e6), UsageError);
}

}  // namespace
}  // namespace aicert
