// cuda:flash through the cuda plugin (loaded with dlopen, as the harness does) on CUDA device 0:
// fp16 and bf16, causal and full, multi-head, grouped-query (Hq=8, Hkv=2) and multi-query, head
// dims 64 and 128, lengths 1, 7, 128 and 1000 (partial tiles), Sq != Sk with the bottom-right
// causal mask, logits of magnitude 100, refusals with their reason, an injected error the checker
// must catch, intact guards and positive event timing. Skips without a CUDA driver or device.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "attention_test_util.h"
#include "guard_test_util.h"

namespace aicert {

void PrintTo(const AttentionSpec& s, std::ostream* os) { *os << test::describe(s); }

namespace {

using test::attention;

test::LoadedPlugin& plugin() {
  static test::LoadedPlugin p = test::load_plugin("cuda");
  return p;
}

// Skips the test when there is no CUDA driver or device; fails when the plugin is broken.
#define REQUIRE_CUDA_BACKEND() AICERT_REQUIRE_BACKEND(plugin())

constexpr const char* kImpl = "cuda:flash";
constexpr int kSeed = 13;

std::unique_ptr<Kernel> make(const AttentionSpec& s, std::string* why) {
  CaseSpec c;
  c.spec = s;
  return plugin().backend->make(c, 0, kImpl, why);
}

CheckResult run_case(const AttentionSpec& s, float qk_scale = 1.0f, HostTensors* out = nullptr) {
  return test::run_attention_case(*plugin().backend, kImpl, s, kSeed, qk_scale, out);
}

TEST(CudaAttention, OffersFlash) {
  REQUIRE_CUDA_BACKEND();
  EXPECT_EQ(plugin().backend->implementations("attention"), std::vector<std::string>{kImpl});
  std::string why;
  auto k = make(attention(1, 2, 2, 8, 64, DType::bf16), &why);
  ASSERT_NE(k, nullptr) << why;
  EXPECT_EQ(k->impl(), kImpl);
  EXPECT_EQ(k->timer_name(), "cuda-events");
}

// What cuda:flash cannot run is refused with "not supported: <why>", never run wrongly.
TEST(CudaAttention, RefusesWhatItDoesNotRunWithAReason) {
  REQUIRE_CUDA_BACKEND();
  struct Refusal {
    AttentionSpec spec;
    const char* impl;
    const char* prefix;
    const char* says;
  };
  const Refusal refusals[] = {
      {attention(1, 2, 2, 8, 64, DType::fp32), kImpl, "not supported: ", "fp32"},
      {attention(1, 2, 2, 8, 80, DType::bf16), kImpl, "not supported: ", "head dim"},
      {attention(1, 2, 2, 8, 256, DType::fp16), kImpl, "not supported: ", "head dim"},
      {attention(1, 2, 2, 8, 32, DType::bf16), kImpl, "not supported: ", "head dim"},
      {attention(1, 2, 2, 8, 64, DType::bf16), "cuda:tiled", "not supported: ", "cuda:flash"},
      {attention(1, 6, 4, 8, 64, DType::bf16), kImpl, "invalid attention case: ", "divide"},
      {attention(1, 2, 2, 9, 64, DType::bf16, true, 8), kImpl,
       "invalid attention case: ", "Sq <= Sk"},
  };
  for (const Refusal& r : refusals) {
    SCOPED_TRACE(test::describe(r.spec) + " " + r.impl);
    CaseSpec c;
    c.spec = r.spec;
    std::string why;
    EXPECT_EQ(plugin().backend->make(c, 0, r.impl, &why), nullptr);
    EXPECT_EQ(why.rfind(r.prefix, 0), 0u) << why;
    EXPECT_NE(why.find(r.says), std::string::npos) << why;
  }
  AttentionSpec int32 = attention(1, 2, 2, 8, 64, DType::int32);
  CaseSpec c;
  c.spec = int32;
  std::string why;
  EXPECT_EQ(plugin().backend->make(c, 0, kImpl, &why), nullptr);
  EXPECT_NE(why.find("int32"), std::string::npos) << why;
}

std::vector<AttentionSpec> sweep() {
  std::vector<AttentionSpec> out;
  for (DType t : {DType::fp16, DType::bf16}) {
    for (bool causal : {false, true}) {
      for (std::int64_t d : {64, 128}) {
        for (AttentionSpec s : {
                 attention(1, 4, 4, 1, d, t),                  // multi-head, S = 1
                 attention(1, 4, 4, 7, d, t),                  // S = 7: one partial tile
                 attention(2, 8, 2, 128, d, t),                // grouped-query, one whole tile
                 attention(1, 8, 2, 1000, d, t),               // grouped-query, partial last tiles
                 attention(1, 4, 1, 1000, d, t),               // multi-query
                 attention(2, 3, 1, 200, d, t),                // multi-query, odd head count
                 attention(1, 4, 2, 5, d, t, false, 300),      // decode-like Sq < Sk
                 attention(1, 2, 1, 130, d, t, false, 1000),   // Sq < Sk, several query tiles
                 attention(1, 2, 2, 1000, d, t, false, 1030),  // Sk - Sq not a tile multiple
             }) {
          s.causal = causal;
          out.push_back(s);
        }
      }
    }
  }
  // Sq > Sk (full only: a causal case needs Sq <= Sk).
  for (DType t : {DType::fp16, DType::bf16}) {
    for (std::int64_t d : {64, 128}) out.push_back(attention(1, 4, 2, 300, d, t, false, 77));
  }
  return out;
}

class CudaAttentionSweep : public ::testing::TestWithParam<AttentionSpec> {};

TEST_P(CudaAttentionSweep, MatchesTheFp64Reference) {
  REQUIRE_CUDA_BACKEND();
  const AttentionSpec& s = GetParam();
  const CheckResult c = run_case(s);
  EXPECT_TRUE(c.passed) << test::describe(s) << ": " << test::describe(c);
  EXPECT_EQ(c.guard_bytes_touched, 0u);
  EXPECT_EQ(c.nan_count + c.inf_count, 0u);
}

INSTANTIATE_TEST_SUITE_P(Shapes, CudaAttentionSweep, ::testing::ValuesIn(sweep()));

// With a causal mask and Sq = Sk, query 0 sees key 0 only: its output is V's first row, exactly.
TEST(CudaAttention, CausalFirstRowCopiesTheFirstValueRow) {
  REQUIRE_CUDA_BACKEND();
  for (DType t : {DType::fp16, DType::bf16}) {
    for (std::int64_t d : {64, 128}) {
      const AttentionSpec s = attention(1, 2, 1, 40, d, t, true);
      HostTensors out;
      EXPECT_TRUE(run_case(s, 1.0f, &out).passed);
      const HostTensors in = make_attention_tensors(s, kSeed);
      const auto du = static_cast<std::size_t>(d);
      for (std::size_t h = 0; h < 2; ++h) {
        for (std::size_t i = 0; i < du; ++i) {
          ASSERT_EQ(load_as_float(out.at("O").data(), t, h * 40 * du + i),
                    load_as_float(in.at("V").data(), t, i))
              << dtype_name(t) << " D=" << d << " head " << h;
        }
      }
    }
  }
}

// Large logits: the running max must keep exp2 in range (no Inf, no NaN, still accurate).
TEST(CudaAttention, LogitsOfMagnitudeHundredStayAccurate) {
  REQUIRE_CUDA_BACKEND();
  for (DType t : {DType::fp16, DType::bf16}) {
    for (bool causal : {false, true}) {
      const AttentionSpec s = attention(1, 2, 1, 300, 64, t, causal);
      const CheckResult c = run_case(s, 10.0f);
      EXPECT_TRUE(c.passed) << test::describe(s) << ": " << test::describe(c);
      EXPECT_EQ(c.nan_count + c.inf_count, 0u);
    }
  }
}

// A check that cannot fail proves nothing: corrupt one element of a correct result.
TEST(CudaAttention, CheckerCatchesAFlippedElement) {
  REQUIRE_CUDA_BACKEND();
  for (DType t : {DType::fp16, DType::bf16}) {
    const AttentionSpec s = attention(1, 2, 2, 50, 64, t);
    HostTensors out;
    ASSERT_TRUE(run_case(s, 1.0f, &out).passed);
    Tensor& o = out.at("O");
    store_from_float(o.data(), o.dtype, 99, load_as_float(o.data(), o.dtype, 99) * 1.1f + 0.05f);
    const CheckResult c = check_attention(s, make_attention_tensors(s, kSeed), out);
    EXPECT_FALSE(c.passed);
    EXPECT_EQ(c.wrong_count, 1u);
    EXPECT_EQ(c.worst_index, 99);
  }
}

// download() brings back whole buffers: host guards wiped after the upload come back intact (the
// kernel wrote inside O's payload only), and a changed guard byte fails the check.
TEST(CudaAttention, DownloadReturnsWholeBufferWithIntactGuards) {
  REQUIRE_CUDA_BACKEND();
  const AttentionSpec s = attention(1, 4, 2, 131, 128, DType::bf16, true, 200);
  std::string why;
  auto k = make(s, &why);
  ASSERT_NE(k, nullptr) << why;
  test::expect_download_restores_guards(
      *k, make_attention_tensors(s, kSeed), "O",
      [&](const HostTensors& in, const HostTensors& out) { return check_attention(s, in, out); });
}

// Every launch since the last sync is timed, a sync with none since returns 0, and repeated
// launches give bitwise the same output.
TEST(CudaAttention, EventTimerSumsLaunchesAndRepeatsAreBitwiseEqual) {
  REQUIRE_CUDA_BACKEND();
  const AttentionSpec s = attention(2, 8, 2, 512, 128, DType::bf16, true);
  std::string why;
  auto k = make(s, &why);
  ASSERT_NE(k, nullptr) << why;
  const HostTensors inputs = make_attention_tensors(s, kSeed);
  k->upload(inputs);
  k->run();
  EXPECT_GT(k->elapsed_ms_since_last_sync(), 0.0);
  HostTensors first = inputs;
  k->download(first);
  for (int i = 0; i < 5; ++i) k->run();
  EXPECT_GT(k->elapsed_ms_since_last_sync(), 0.0);
  EXPECT_EQ(k->elapsed_ms_since_last_sync(), 0.0);
  HostTensors again = inputs;
  k->download(again);
  const Tensor& a = first.at("O");
  const Tensor& b = again.at("O");
  ASSERT_EQ(a.buffer.payload_bytes(), b.buffer.payload_bytes());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.buffer.payload_bytes()), 0);
  EXPECT_TRUE(check_attention(s, inputs, again).passed);
}

}  // namespace
}  // namespace aicert
