// cpu:flash (and the vendor row cpu:onednn) through the cpu plugin (loaded with dlopen, as the harness does): every dtype, causal
// and not, multi-head, grouped-query and multi-query, head dims 64/128/80, lengths 1, 7, 128 and
// 1000, Sq != Sk, the causal first row, logits of magnitude 100, faults the checker must catch,
// bitwise repeatability, and the portable (generic) path forced by AICERT_CPU_GEMM_ISA.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "attention_test_util.h"

namespace aicert {
namespace {

using test::attention;

Backend& backend() {
  static test::LoadedPlugin p = test::load_plugin("cpu");
  if (!p.load_error.empty() || !p.backend) {
    ADD_FAILURE() << p.load_error << p.why_unavailable;
    std::abort();
  }
  return *p.backend;
}

std::unique_ptr<Kernel> make(const AttentionSpec& s, std::string* why) {
  CaseSpec c;
  c.spec = s;
  return backend().make(c, 0, "cpu:flash", why);
}

// Runs one case on seeded inputs (Q and K optionally scaled) and returns the check.
CheckResult run_case(const AttentionSpec& s, float qk_scale = 1.0f, HostTensors* out = nullptr) {
  return test::run_attention_case(backend(), "cpu:flash", s, 11, qk_scale, out);
}

TEST(CpuAttention, OffersFlashAndRefusesBadCasesWithAReason) {
  EXPECT_EQ(backend().implementations("attention"),
            (std::vector<std::string>{"cpu:flash", "cpu:onednn"}));
  std::string why;
  EXPECT_EQ(make(attention(1, 6, 4, 8, 64, DType::fp32), &why), nullptr);
  EXPECT_NE(why.find("divide"), std::string::npos) << why;
  CaseSpec c;
  c.spec = attention(1, 2, 2, 8, 64, DType::fp32);
  EXPECT_EQ(backend().make(c, 0, "cpu:blocked", &why), nullptr);
  EXPECT_NE(why.find("cpu:flash"), std::string::npos) << why;
  auto k = make(attention(1, 2, 2, 8, 64, DType::fp32), &why);
  ASSERT_NE(k, nullptr) << why;
  EXPECT_EQ(k->impl(), "cpu:flash");
  EXPECT_THROW(k->run(), std::exception);
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
               attention(1, 4, 4, 7, 64, t),                // multi-head, S = 7
               attention(2, 4, 2, 128, 80, t),              // grouped-query, D = 80
               attention(1, 4, 1, 1, 128, t),               // multi-query, S = 1
               attention(1, 8, 2, 130, 128, t),             // grouped-query, partial tiles
               attention(1, 2, 1, 1000, 128, t),            // multi-query, S = 1000
               attention(1, 2, 2, 1000, 64, t),             // S = 1000, D = 64
               attention(1, 4, 2, 5, 64, t, false, 300),    // decode-like Sq < Sk
               attention(1, 2, 1, 33, 128, t, false, 200),  // chunked prefill
               attention(1, 16, 2, 9, 64, t, false, 40),    // 8 heads per tile row set
               attention(1, 32, 1, 1, 128, t, false, 257),  // multi-query decode
           }) {
        s.causal = causal;
        out.push_back({s});
      }
    }
  }
  return out;
}

class AttentionSweep : public ::testing::TestWithParam<SweepCase> {};

TEST_P(AttentionSweep, MatchesTheFp64Reference) {
  const CheckResult c = run_case(GetParam().spec);
  EXPECT_TRUE(c.passed) << test::describe(GetParam().spec) << ": " << test::describe(c);
  EXPECT_EQ(c.nan_count + c.inf_count, 0u);
  if (std::getenv("AICERT_TEST_SHOW_ERRORS")) {
    std::printf("%s: worst error / bound = %.3g, nmse %.3g\n",
                test::describe(GetParam().spec).c_str(),
                std::fabs(c.worst_value - c.worst_reference) / c.worst_bound, c.nmse);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, AttentionSweep, ::testing::ValuesIn(sweep()));

// The vendor row, cpu:onednn, on the same sweep: checked by the same bound where oneDNN has the
// dtype on this CPU (fp32 everywhere, bf16 from avx512_core, fp16 where this oneDNN has CPU
// kernels for it), refused in oneDNN's own words elsewhere.
class OnednnAttentionSweep : public ::testing::TestWithParam<SweepCase> {};

TEST_P(OnednnAttentionSweep, MatchesTheFp64ReferenceOrSaysWhyNot) {
  const AttentionSpec& s = GetParam().spec;
  CaseSpec c;
  c.spec = s;
  std::string why;
  if (backend().make(c, 0, "cpu:onednn", &why) == nullptr) {
    EXPECT_NE(s.dtype, DType::fp32) << why;
    // From avx512_core (named in the backend's runtime string) oneDNN has bf16.
    EXPECT_FALSE(s.dtype == DType::bf16 && backend().runtime_version().find(
                                               "dispatching to avx512_core") != std::string::npos)
        << why;
    EXPECT_NE(why.find("oneDNN"), std::string::npos) << why;
    return;
  }
  const CheckResult r = test::run_attention_case(backend(), "cpu:onednn", s, 11);
  EXPECT_TRUE(r.passed) << test::describe(s) << ": " << test::describe(r);
  EXPECT_EQ(r.nan_count + r.inf_count, 0u);
}

INSTANTIATE_TEST_SUITE_P(Shapes, OnednnAttentionSweep, ::testing::ValuesIn(sweep()));

TEST(CpuAttention, OnednnFailedUploadDisarmsTheKernel) {
  const AttentionSpec s = attention(1, 4, 2, 30, 64, DType::fp32);
  CaseSpec c;
  c.spec = s;
  std::string why;
  auto k = backend().make(c, 0, "cpu:onednn", &why);
  ASSERT_NE(k, nullptr) << why;
  k->upload(make_attention_tensors(s, 1));
  k->run();
  EXPECT_THROW(k->upload(make_attention_tensors(attention(1, 4, 2, 31, 64, DType::fp32), 1)),
               std::exception);
  EXPECT_THROW(k->run(), std::exception);
}

TEST(CpuAttention, CheckerCatchesAWrongOnednnResult) {
  const AttentionSpec s = attention(1, 4, 2, 70, 64, DType::fp32, true);
  HostTensors out;
  ASSERT_TRUE(test::run_attention_case(backend(), "cpu:onednn", s, 11, 1.0f, &out).passed);
  Tensor& o = out.at("O");
  store_from_float(o.data(), o.dtype, 100, load_as_float(o.data(), o.dtype, 100) + 0.01f);
  const CheckResult c = check_attention(s, make_attention_tensors(s, 11), out);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.wrong_count, 1u);
}

TEST(CpuAttention, CausalFirstRowSeesOneKeyAndCopiesIt) {
  for (DType t : {DType::fp32, DType::fp16, DType::bf16}) {
    const AttentionSpec s = attention(1, 4, 2, 100, 64, t, true);
    HostTensors out;
    const CheckResult c = run_case(s, 1.0f, &out);
    EXPECT_TRUE(c.passed) << test::describe(c);
    const HostTensors in = make_attention_tensors(s, 11);
    for (std::int64_t h = 0; h < 4; ++h) {
      for (std::int64_t d = 0; d < 64; ++d) {
        ASSERT_EQ(
            load_as_float(out.at("O").data(), t, static_cast<std::size_t>(h * 100 * 64 + d)),
            load_as_float(in.at("V").data(), t, static_cast<std::size_t>((h / 2) * 100 * 64 + d)))
            << dtype_name(t) << " head " << h << " dim " << d;
      }
    }
  }
}

TEST(CpuAttention, LogitsOfMagnitudeHundredNeitherOverflowNorLoseAccuracy) {
  for (DType t : {DType::fp32, DType::fp16, DType::bf16}) {
    for (bool causal : {false, true}) {
      // Q and K scaled by 10: raw scores scale*q.k reach about +-100 at D = 64.
      const AttentionSpec s = attention(1, 4, 2, 257, 64, t, causal);
      HostTensors in = make_attention_tensors(s, 11);
      test::scale_tensor(in.at("Q"), 10.0f);
      test::scale_tensor(in.at("K"), 10.0f);
      double largest = 0;
      for (std::int64_t i = 0; i < 257; i += 8) {  // a sample of the rows is enough
        for (std::int64_t j = 0; j < 257; ++j) {
          double dot = 0;
          for (std::int64_t d = 0; d < 64; ++d) {
            dot += static_cast<double>(load_as_float(in.at("Q").data(), t, i * 64 + d)) *
                   load_as_float(in.at("K").data(), t, j * 64 + d);
          }
          largest = std::max(largest, std::fabs(dot) * s.softmax_scale());
        }
      }
      EXPECT_GT(largest, 90.0);
      const CheckResult c = run_case(s, 10.0f);
      EXPECT_TRUE(c.passed) << test::describe(s) << ": " << test::describe(c);
      EXPECT_EQ(c.nan_count + c.inf_count, 0u);
    }
  }
}

TEST(CpuAttention, CheckerCatchesAFlippedElementAndATouchedGuard) {
  const AttentionSpec s = attention(1, 2, 1, 64, 64, DType::bf16, true);
  const HostTensors in = make_attention_tensors(s, 11);
  HostTensors flipped, guard;
  ASSERT_TRUE(run_case(s, 1.0f, &flipped).passed);
  guard = flipped;

  Tensor& o = flipped.at("O");
  const std::size_t victim = 64 * 64 + 5;
  store_from_float(o.data(), o.dtype, victim,
                   load_as_float(o.data(), o.dtype, victim) * 1.1f + 0.05f);
  CheckResult c = check_attention(s, in, flipped);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.wrong_count, 1u);
  EXPECT_EQ(c.worst_index, static_cast<std::int64_t>(victim));

  Tensor& g = guard.at("O");
  g.buffer.whole()[GuardedBuffer::kGuardBytes + g.buffer.payload_bytes()] = std::byte{0};
  c = check_attention(s, in, guard);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.guard_bytes_touched, 1u);
}

TEST(CpuAttention, RunsAreBitwiseIdentical) {
  const AttentionSpec s = attention(2, 4, 2, 200, 128, DType::fp16, true);
  std::string why;
  auto k = make(s, &why);
  ASSERT_NE(k, nullptr) << why;
  const HostTensors in = make_attention_tensors(s, 11);
  HostTensors a = in, b = in;
  k->upload(in);
  k->run();
  k->download(a);
  k->run();
  k->run();
  k->download(b);
  EXPECT_EQ(std::memcmp(a.at("O").buffer.whole(), b.at("O").buffer.whole(),
                        a.at("O").buffer.total_bytes()),
            0);
}

TEST(CpuAttention, PortablePathMatchesTheReference) {
  const char* old = std::getenv("AICERT_CPU_GEMM_ISA");
  const std::optional<std::string> saved = old ? std::optional<std::string>(old) : std::nullopt;
  setenv("AICERT_CPU_GEMM_ISA", "generic", 1);
  for (const AttentionSpec& s : {attention(1, 4, 2, 77, 80, DType::bf16, true),
                                 attention(1, 2, 1, 3, 64, DType::fp32, false, 90)}) {
    const CheckResult c = run_case(s);
    EXPECT_TRUE(c.passed) << test::describe(s) << ": " << test::describe(c);
  }
  if (saved) {
    setenv("AICERT_CPU_GEMM_ISA", saved->c_str(), 1);
  } else {
    unsetenv("AICERT_CPU_GEMM_ISA");
  }
}

}  // namespace
}  // namespace aicert
