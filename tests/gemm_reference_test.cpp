// The fp64 GEMM reference on small matrices with known products, every layout, alpha/beta.
#include <gtest/gtest.h>

#include <cmath>

#include "workloads/gemm_workload.h"

namespace aicert {
namespace {

// Writes a row-major matrix given in logical (untransposed) form into a tensor, honouring the
// stored layout.
void put(Tensor& t, const std::vector<float>& logical, std::int64_t rows, std::int64_t cols,
         bool stored_transposed) {
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      const std::size_t idx = stored_transposed ? c * rows + r : r * cols + c;
      store_from_float(t.data(), t.dtype, idx, logical[r * cols + c]);
    }
  }
}

HostTensors known_inputs(const GemmSpec& s) {
  HostTensors h = make_gemm_tensors(s, 1);
  // A = [[1,2,3],[4,5,6]] (2x3), B = [[7,8],[9,10],[11,12]] (3x2), C0 = [[1,1],[1,-1]].
  put(h.at("A"), {1, 2, 3, 4, 5, 6}, 2, 3, s.a_transposed());
  put(h.at("B"), {7, 8, 9, 10, 11, 12}, 3, 2, s.b_transposed());
  put(h.at("C"), {1, 1, 1, -1}, 2, 2, false);
  return h;
}

TEST(GemmReference, KnownProductEveryLayout) {
  for (GemmLayout l : {GemmLayout::NN, GemmLayout::NT, GemmLayout::TN}) {
    GemmSpec s;
    s.m = 2;
    s.n = 2;
    s.k = 3;
    s.layout = l;
    const GemmReference r = gemm_reference(s, known_inputs(s));
    EXPECT_EQ(r.value, (std::vector<double>{58, 64, 139, 154})) << layout_name(l);
    EXPECT_EQ(r.magnitude, (std::vector<double>{58, 64, 139, 154})) << layout_name(l);
  }
}

TEST(GemmReference, AlphaBetaAndMagnitudes) {
  GemmSpec s;
  s.m = 2;
  s.n = 2;
  s.k = 3;
  s.alpha = -0.5;
  s.beta = 2.0;
  const GemmReference r = gemm_reference(s, known_inputs(s));
  EXPECT_EQ(r.value, (std::vector<double>{-27, -30, -67.5, -79}));
  EXPECT_EQ(r.magnitude, (std::vector<double>{31, 34, 71.5, 79}));
}

TEST(GemmReference, BetaZeroDoesNotReadC) {
  GemmSpec s;
  s.m = 2;
  s.n = 2;
  s.k = 3;
  HostTensors h = known_inputs(s);
  put(h.at("C"), {NAN, NAN, INFINITY, NAN}, 2, 2, false);
  const GemmReference r = gemm_reference(s, h);
  EXPECT_EQ(r.value, (std::vector<double>{58, 64, 139, 154}));
}

TEST(GemmReference, KZeroIsBetaTimesC) {
  GemmSpec s;
  s.m = 2;
  s.n = 2;
  s.k = 0;
  s.beta = 3.0;
  HostTensors h = make_gemm_tensors(s, 1);
  put(h.at("C"), {1, 2, 3, 4}, 2, 2, false);
  EXPECT_EQ(gemm_reference(s, h).value, (std::vector<double>{3, 6, 9, 12}));
}

TEST(GemmReference, UsesRoundedInputs) {
  // 1/3 in bf16 is 0.333984375: the reference must use that, not 1/3.
  GemmSpec s;
  s.m = 1;
  s.n = 1;
  s.k = 1;
  s.dtype = DType::bf16;
  HostTensors h = make_gemm_tensors(s, 1);
  store_from_float(h.at("A").data(), DType::bf16, 0, 1.0f / 3.0f);
  store_from_float(h.at("B").data(), DType::bf16, 0, 3.0f);
  EXPECT_EQ(gemm_reference(s, h).value[0], 0.333984375 * 3.0);
}

TEST(GemmTolerance, ScalesWithDtypeAndK) {
  GemmSpec s;
  s.k = 1024;
  Tolerance t32 = gemm_tolerance(s);
  EXPECT_EQ(t32.u_out, std::ldexp(1.0, -24));
  EXPECT_EQ(t32.g, 34.0);
  s.dtype = DType::bf16;
  EXPECT_EQ(gemm_tolerance(s).u_out, std::ldexp(1.0, -8));
  EXPECT_EQ(gemm_tolerance(s).u_acc, std::ldexp(1.0, -24));
}

// fp8e4m3 GEMM: A and B of one byte per element, C and the result bf16; the check allows for
// fp8 tensor cores' accumulation and bf16 output, and still catches a wrong element.
TEST(GemmFp8, InputsAreFp8OutputBf16AndTheCheckCatchesAWrongElement) {
  GemmSpec s;
  s.m = 48, s.n = 32, s.k = 64, s.layout = GemmLayout::NT, s.dtype = DType::fp8e4m3;
  EXPECT_EQ(s.output_dtype(), DType::bf16);
  EXPECT_EQ(s.operand_bytes(), 48.0 * 64 + 64.0 * 32 + 2.0 * 48 * 32);
  EXPECT_EQ(validate_gemm_spec(s, 1e9), "");
  const HostTensors in = make_gemm_tensors(s, 7);
  EXPECT_EQ(in.at("A").dtype, DType::fp8e4m3);
  EXPECT_EQ(in.at("A").buffer.payload_bytes(), 48u * 64u);
  EXPECT_EQ(in.at("C").dtype, DType::bf16);
  const Tolerance t = gemm_tolerance(s);
  EXPECT_EQ(t.u_acc, std::ldexp(1.0, -24));
  EXPECT_EQ(t.g, std::sqrt(64.0) + 2.0 + 2048.0);
  EXPECT_EQ(t.u_out, std::ldexp(1.0, -8));
  // Every input is an fp8 value: the reference multiplies exactly what a kernel reads.
  for (std::size_t i = 0; i < in.at("B").elements(); ++i) {
    const float v = load_as_float(in.at("B").data(), DType::fp8e4m3, i);
    ASSERT_EQ(round_to(DType::fp8e4m3, v), v);
  }
  const GemmReference ref = gemm_reference(s, in);
  HostTensors out = in;
  Tensor& c = out.at("C");
  for (std::size_t i = 0; i < c.elements(); ++i) {
    store_from_float(c.data(), c.dtype, i, static_cast<float>(ref.value[i]));
  }
  EXPECT_TRUE(check_gemm(s, in, out).passed);
  store_from_float(c.data(), c.dtype, 5, static_cast<float>(ref.value[5] + 1.0));
  const CheckResult bad = check_gemm(s, in, out);
  EXPECT_FALSE(bad.passed);
  EXPECT_EQ(bad.wrong_count, 1u);
}

}  // namespace
}  // namespace aicert
