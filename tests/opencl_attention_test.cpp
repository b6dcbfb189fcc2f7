// opencl:flash through the opencl plugin (loaded with dlopen, as the harness does) on the first
// OpenCL device (PoCL in CI): every dtype, causal and not, multi-head, grouped-query and
// multi-query, head dims 64/128/80, lengths 1, 7, 128 and 1000, Sq != Sk, the causal first row,
// logits of magnitude 100 and a fault the checker must catch. Skips without an OpenCL platform.
#include <gtest/gtest.h>

#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "attention_test_util.h"

namespace aicert {
namespace {

using test::attention;

test::LoadedPlugin& plugin() {
  static test::LoadedPlugin p = test::load_plugin("opencl");
  return p;
}

#define REQUIRE_OPENCL_BACKEND()                                     \
  do {                                                               \
    ASSERT_TRUE(plugin().load_error.empty()) << plugin().load_error; \
    if (!plugin().backend) GTEST_SKIP() << plugin().why_unavailable; \
  } while (0)

CheckResult run_case(const AttentionSpec& s, float qk_scale = 1.0f, HostTensors* out = nullptr) {
  return test::run_attention_case(*plugin().backend, "opencl:flash", s, 13, qk_scale, out);
}

TEST(OpenClAttention, OffersFlashAndRefusesBadCases) {
  REQUIRE_OPENCL_BACKEND();
  EXPECT_EQ(plugin().backend->implementations("attention"),
            std::vector<std::string>{"opencl:flash"});
  CaseSpec c;
  c.spec = attention(1, 6, 4, 8, 64, DType::fp32);
  std::string why;
  EXPECT_EQ(plugin().backend->make(c, 0, "opencl:flash", &why), nullptr);
  EXPECT_NE(why.find("divide"), std::string::npos) << why;
  c.spec = attention(1, 2, 2, 8, 64, DType::fp32);
  EXPECT_EQ(plugin().backend->make(c, 0, "opencl:tiled", &why), nullptr);
  EXPECT_NE(why.find("opencl:flash"), std::string::npos) << why;
}

struct SweepCase {
  AttentionSpec spec;
};
std::ostream& operator<<(std::ostream& os, const SweepCase& c) {
  return os << test::describe(c.spec);
}

std::vector<SweepCase> sweep() {
  std::vector<SweepCase> out;
  for (DType t : {DType::fp32, DType::fp16, DType::bf16}) {
    for (bool causal : {false, true}) {
      for (AttentionSpec s : {
               attention(1, 4, 4, 7, 64, t),               // multi-head, S = 7
               attention(2, 4, 2, 128, 80, t),             // grouped-query, D = 80
               attention(1, 4, 1, 1, 128, t),              // multi-query, S = 1
               attention(1, 2, 1, 1000, 128, t),           // multi-query, S = 1000
               attention(1, 4, 2, 5, 64, t, false, 300),   // decode-like Sq < Sk
               attention(1, 2, 1, 33, 256, t, false, 70),  // D = 256
           }) {
        s.causal = causal;
        out.push_back({s});
      }
    }
  }
  return out;
}

class OpenClAttentionSweep : public ::testing::TestWithParam<SweepCase> {};

TEST_P(OpenClAttentionSweep, MatchesTheFp64Reference) {
  REQUIRE_OPENCL_BACKEND();
  const CheckResult c = run_case(GetParam().spec);
  EXPECT_TRUE(c.passed) << test::describe(GetParam().spec) << ": " << test::describe(c);
}

INSTANTIATE_TEST_SUITE_P(Shapes, OpenClAttentionSweep, ::testing::ValuesIn(sweep()));

TEST(OpenClAttention, CausalFirstRowCopiesTheFirstValueRow) {
  REQUIRE_OPENCL_BACKEND();
  for (DType t : {DType::fp32, DType::fp16, DType::bf16}) {
    const AttentionSpec s = attention(1, 2, 1, 40, 64, t, true);
    HostTensors out;
    EXPECT_TRUE(run_case(s, 1.0f, &out).passed);
    const HostTensors in = make_attention_tensors(s, 13);
    for (std::int64_t h = 0; h < 2; ++h) {
      for (std::size_t d = 0; d < 64; ++d) {
        ASSERT_EQ(load_as_float(out.at("O").data(), t, static_cast<std::size_t>(h) * 40 * 64 + d),
                  load_as_float(in.at("V").data(), t, d))
            << dtype_name(t) << " head " << h;
      }
    }
  }
}

TEST(OpenClAttention, LogitsOfMagnitudeHundredStayAccurate) {
  REQUIRE_OPENCL_BACKEND();
  for (DType t : {DType::fp32, DType::fp16, DType::bf16}) {
    for (bool causal : {false, true}) {
      const AttentionSpec s = attention(1, 2, 1, 150, 64, t, causal);
      const CheckResult c = run_case(s, 10.0f);
      EXPECT_TRUE(c.passed) << test::describe(s) << ": " << test::describe(c);
      EXPECT_EQ(c.nan_count + c.inf_count, 0u);
    }
  }
}

TEST(OpenClAttention, CheckerCatchesAFlippedElement) {
  REQUIRE_OPENCL_BACKEND();
  const AttentionSpec s = attention(1, 2, 2, 50, 64, DType::fp16);
  HostTensors out;
  ASSERT_TRUE(run_case(s, 1.0f, &out).passed);
  Tensor& o = out.at("O");
  store_from_float(o.data(), o.dtype, 99, load_as_float(o.data(), o.dtype, 99) * 1.1f + 0.05f);
  const CheckResult c = check_attention(s, make_attention_tensors(s, 13), out);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.wrong_count, 1u);
  EXPECT_EQ(c.worst_index, 99);
}

}  // namespace
}  // namespace aicert
