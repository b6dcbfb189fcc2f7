// The attention workload without any backend: shape parsing and validation, exact flop counts
// (causal counts the unmasked pairs), the streaming fp64 reference against a direct two-pass
// softmax, the causal convention, large logits, and the tolerance the check reports.
#include "workloads/attention_workload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "attention_test_util.h"
#include "workloads/error_metrics.h"

namespace aicert {
namespace {

using test::attention;

TEST(AttentionSpec, ParsesFiveAndSixFieldShapes) {
  std::string error;
  auto s = parse_attention_shape("2,16,4,2048,128", &error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->batch, 2);
  EXPECT_EQ(s->q_heads, 16);
  EXPECT_EQ(s->kv_heads, 4);
  EXPECT_EQ(s->q_len, 2048);
  EXPECT_EQ(s->kv_len, 2048);
  EXPECT_EQ(s->head_dim, 128);
  EXPECT_EQ(s->shape_string(), "2,16,4,2048,128");
  s = parse_attention_shape("1,8,1,1,64,4096", &error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->q_len, 1);
  EXPECT_EQ(s->kv_len, 4096);
  EXPECT_EQ(s->shape_string(), "1,8,1,1,64,4096");
  for (const char* bad : {"1,2,3,4", "1,2,3,4,5,6,7", "1,a,1,1,1", "", "1,,1,1,1", "1x1x1"}) {
    EXPECT_FALSE(parse_attention_shape(bad, &error)) << bad;
    EXPECT_NE(error.find("B,Hq,Hkv"), std::string::npos) << bad << ": " << error;
  }
}

TEST(AttentionSpec, Validates) {
  EXPECT_EQ(validate_attention_spec(attention(1, 8, 2, 64, 128, DType::fp32), 1e10), "");
  EXPECT_EQ(validate_attention_spec(attention(1, 8, 2, 64, 256, DType::fp32), 1e10), "");
  EXPECT_NE(validate_attention_spec(attention(1, 8, 3, 64, 64, DType::fp32), 1e10).find("divide"),
            std::string::npos);
  EXPECT_NE(validate_attention_spec(attention(1, 8, 8, 64, 257, DType::fp32), 1e10).find("256"),
            std::string::npos);
  EXPECT_NE(validate_attention_spec(attention(0, 8, 8, 64, 64, DType::fp32), 1e10).find("positive"),
            std::string::npos);
  // Causal needs Sq <= Sk (bottom-right aligned).
  EXPECT_EQ(validate_attention_spec(attention(1, 2, 2, 4, 64, DType::fp32, true, 9), 1e10), "");
  EXPECT_NE(validate_attention_spec(attention(1, 2, 2, 9, 64, DType::fp32, true, 4), 1e10)
                .find("Sq <= Sk"),
            std::string::npos);
  EXPECT_NE(validate_attention_spec(attention(16, 32, 32, 4096, 128, DType::fp32), 1e9).find("GiB"),
            std::string::npos);
}

TEST(AttentionSpec, FlopsCountUnmaskedPairsExactly) {
  const AttentionSpec full = attention(2, 8, 2, 100, 64, DType::fp32);
  EXPECT_EQ(full.flops(), 4.0 * 2 * 8 * 100 * 100 * 64);
  const AttentionSpec causal = attention(2, 8, 2, 100, 64, DType::fp32, true);
  EXPECT_EQ(causal.flops(), 4.0 * 2 * 8 * 64 * (100.0 * 101 / 2));
  // Sq=3 against Sk=10: rows see 8, 9, 10 keys.
  const AttentionSpec decode = attention(1, 1, 1, 3, 16, DType::fp32, true, 10);
  EXPECT_EQ(decode.visible_keys(0), 8);
  EXPECT_EQ(decode.visible_keys(2), 10);
  EXPECT_EQ(decode.flops(), 4.0 * 16 * 27);
  EXPECT_DOUBLE_EQ(attention(1, 1, 1, 1, 64, DType::fp32).softmax_scale(), 0.125);
}

// Direct two-pass softmax over the whole row, fp64: the definition.
std::vector<double> direct_attention(const AttentionSpec& s, const HostTensors& h) {
  const std::int64_t D = s.head_dim;
  std::vector<double> out(static_cast<std::size_t>(s.batch * s.q_heads * s.q_len * D));
  const Tensor &Q = h.at("Q"), &K = h.at("K"), &V = h.at("V");
  for (std::int64_t b = 0; b < s.batch; ++b) {
    for (std::int64_t hq = 0; hq < s.q_heads; ++hq) {
      const std::int64_t kvh = b * s.kv_heads + hq / (s.q_heads / s.kv_heads);
      for (std::int64_t i = 0; i < s.q_len; ++i) {
        const std::int64_t row = (b * s.q_heads + hq) * s.q_len + i;
        std::vector<double> logits;
        for (std::int64_t j = 0; j < s.kv_len; ++j) {
          if (s.causal && j > i + s.kv_len - s.q_len) break;
          double dot = 0;
          for (std::int64_t d = 0; d < D; ++d) {
            dot += load_as_float(Q.data(), Q.dtype, static_cast<std::size_t>(row * D + d)) *
                   static_cast<double>(load_as_float(
                       K.data(), K.dtype, static_cast<std::size_t>((kvh * s.kv_len + j) * D + d)));
          }
          logits.push_back(dot * s.softmax_scale());
        }
        double mx = -INFINITY, sum = 0;
        for (double x : logits) mx = std::max(mx, x);
        for (double& x : logits) sum += (x = std::exp(x - mx));
        for (std::int64_t d = 0; d < D; ++d) {
          double acc = 0;
          for (std::size_t j = 0; j < logits.size(); ++j) {
            acc += logits[j] *
                   load_as_float(V.data(), V.dtype,
                                 static_cast<std::size_t>(
                                     (kvh * s.kv_len + static_cast<std::int64_t>(j)) * D + d));
          }
          out[static_cast<std::size_t>(row * D + d)] = acc / sum;
        }
      }
    }
  }
  return out;
}

TEST(AttentionReference, MatchesTheDirectSoftmax) {
  for (const AttentionSpec& s :
       {attention(2, 4, 2, 70, 24, DType::fp32), attention(1, 4, 1, 130, 16, DType::bf16, true),
        attention(1, 2, 2, 3, 8, DType::fp16, true, 150), attention(1, 3, 1, 1, 8, DType::fp32)}) {
    const HostTensors h = make_attention_tensors(s, 5);
    const AttentionReference ref = attention_reference(s, h);
    const std::vector<double> direct = direct_attention(s, h);
    ASSERT_EQ(ref.value.size(), direct.size());
    for (std::size_t i = 0; i < direct.size(); ++i) {
      ASSERT_NEAR(ref.value[i], direct[i], 1e-12) << test::describe(s) << " element " << i;
    }
  }
}

TEST(AttentionReference, CausalFirstRowIsTheFirstValueRow) {
  const AttentionSpec s = attention(1, 4, 2, 33, 16, DType::bf16, true);
  const HostTensors h = make_attention_tensors(s, 9);
  const AttentionReference ref = attention_reference(s, h);
  for (std::int64_t hq = 0; hq < 4; ++hq) {
    const std::int64_t kvh = hq / 2;
    for (std::int64_t d = 0; d < 16; ++d) {
      EXPECT_EQ(ref.value[static_cast<std::size_t>(hq * 33 * 16 + d)],
                load_as_float(h.at("V").data(), DType::bf16,
                              static_cast<std::size_t>(kvh * 33 * 16 + d)));
    }
  }
}

TEST(AttentionReference, LargeLogitsStayFiniteAndWidenTheTolerance) {
  const AttentionSpec s = attention(1, 2, 1, 200, 64, DType::fp32, true);
  HostTensors h = make_attention_tensors(s, 3);
  const double small_growth = attention_reference(s, h).growth;
  test::scale_tensor(h.at("Q"), 10.0f);
  test::scale_tensor(h.at("K"), 10.0f);
  const AttentionReference ref = attention_reference(s, h);
  for (double v : ref.value) ASSERT_TRUE(std::isfinite(v));
  EXPECT_GT(ref.growth, 50.0 * small_growth);
  const std::vector<double> direct = direct_attention(s, h);
  for (std::size_t i = 0; i < direct.size(); ++i) ASSERT_NEAR(ref.value[i], direct[i], 1e-11);
}

TEST(AttentionCheck, ReportsItsToleranceAndCatchesAWrongElement) {
  const AttentionSpec s = attention(1, 2, 2, 40, 32, DType::fp16);
  const HostTensors in = make_attention_tensors(s, 4);
  const AttentionReference ref = attention_reference(s, in);
  HostTensors out = in;
  Tensor& o = out.at("O");
  for (std::size_t i = 0; i < o.elements(); ++i) {
    store_from_float(o.data(), o.dtype, i, static_cast<float>(ref.value[i]));
  }
  CheckResult c = check_attention(s, in, out);
  EXPECT_TRUE(c.passed) << test::describe(c);
  EXPECT_EQ(c.tolerance.c, 3.0);
  EXPECT_EQ(c.tolerance.u_out, std::ldexp(1.0, -11));
  EXPECT_EQ(c.tolerance.u_acc, std::ldexp(1.0, -24));
  EXPECT_GE(c.tolerance.g, std::sqrt(40.0) + 4.0);
  EXPECT_NE(c.tolerance.g_formula.find("L_row"), std::string::npos);
  store_from_float(o.data(), o.dtype, 77, static_cast<float>(ref.value[77] * 1.02 + 0.01));
  c = check_attention(s, in, out);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.wrong_count, 1u);
  EXPECT_EQ(c.worst_index, 77);
}

}  // namespace
}  // namespace aicert
