// Planning of `aicert run` against the real plugins of the build tree.
#include <gtest/gtest.h>

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
  EXPECT_EQ(plan.size(), 18u);  // 3 default shapes x 3 dtypes x 2 implementations
  std::set<std::string> ids;
  for (const auto& r : plan) ids.insert(case_id(r));
  EXPECT_EQ(ids.size(), plan.size()) << "case ids must be unique";
  EXPECT_TRUE(ids.count("gemm/cpu0/cpu:blocked/bf16/NT/257x129x300"));
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
