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
    EXPECT_EQ(r.value, (ReferenceArray{58, 64, 139, 154})) << layout_name(l);
    EXPECT_EQ(r.magnitude, (ReferenceArray{58, 64, 139, 154})) << layout_name(l);
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
  EXPECT_EQ(r.value, (ReferenceArray{-27, -30, -67.5, -79}));
  EXPECT_EQ(r.magnitude, (ReferenceArray{31, 34, 71.5, 79}));
}

TEST(GemmReference, BetaZeroDoesNotReadC) {
  GemmSpec s;
  s.m = 2;
  s.n = 2;
  s.k = 3;
  HostTensors h = known_inputs(s);
  put(h.at("C"), {NAN, NAN, INFINITY, NAN}, 2, 2, false);
  const GemmReference r = gemm_reference(s, h);
  EXPECT_EQ(r.value, (ReferenceArray{58, 64, 139, 154}));
}

TEST(GemmReference, KZeroIsBetaTimesC) {
  GemmSpec s;
  s.m = 2;
  s.n = 2;
  s.k = 0;
  s.beta = 3.0;
  HostTensors h = make_gemm_tensors(s, 1);
  put(h.at("C"), {1, 2, 3, 4}, 2, 2, false);
  EXPECT_EQ(gemm_reference(s, h).value, (ReferenceArray{3, 6, 9, 12}));
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

namespace aicert {
namespace {

// The plain fp64 triple loop the BLAS reference replaced: the definition it must match.
Reference naive_reference(const GemmSpec& s, const HostTensors& in) {
  const Tensor& A = in.at("A");
  const Tensor& B = in.at("B");
  const Tensor& C = in.at("C");
  Reference r;
  r.value.assign(static_cast<std::size_t>(s.m * s.n), 0.0);
  r.magnitude = r.value;
  for (std::int64_t i = 0; i < s.m; ++i) {
    for (std::int64_t j = 0; j < s.n; ++j) {
      double dot = 0, abs_dot = 0;
      for (std::int64_t p = 0; p < s.k; ++p) {
        const double a = load_as_float(A.data(), A.dtype, s.a_transposed() ? p * s.m + i : i * s.k + p);
        const double b = load_as_float(B.data(), B.dtype, s.b_transposed() ? j * s.k + p : p * s.n + j);
        dot += a * b;
        abs_dot += std::fabs(a * b);
      }
      const double c0 = load_as_float(C.data(), C.dtype, static_cast<std::size_t>(i * s.n + j));
      r.value[static_cast<std::size_t>(i * s.n + j)] = s.alpha * dot + s.beta * c0;
      r.magnitude[static_cast<std::size_t>(i * s.n + j)] =
          std::fabs(s.alpha) * abs_dot + std::fabs(s.beta) * std::fabs(c0);
    }
  }
  return r;
}

TEST(GemmReference, BlasReferenceMatchesThePlainLoopEveryLayoutAndDtype) {
  for (GemmLayout l : {GemmLayout::NN, GemmLayout::NT, GemmLayout::TN}) {
    for (DType t : {DType::fp32, DType::fp16, DType::bf16}) {
      GemmSpec s;
      s.m = 67, s.n = 45, s.k = 129, s.alpha = -1.5, s.beta = 0.75, s.layout = l, s.dtype = t;
      const HostTensors in = make_gemm_tensors(s, 5);
      const Reference blas = gemm_reference(s, in);
      const Reference plain = naive_reference(s, in);
      for (std::size_t i = 0; i < plain.value.size(); ++i) {
        const double scale = plain.magnitude[i] * 1e-13;
        ASSERT_NEAR(blas.value[i], plain.value[i], scale) << layout_name(l) << " " << i;
        ASSERT_NEAR(blas.magnitude[i], plain.magnitude[i], scale) << layout_name(l) << " " << i;
      }
    }
  }
}

// Operands are seeded by logical index: every layout of a seed and shape is one problem, with
// one reference key; the key changes with anything that changes the reference.
TEST(GemmReference, LayoutsOfOneProblemShareAKey) {
  GemmSpec s;
  s.m = 24, s.n = 40, s.k = 56, s.dtype = DType::bf16;
  const std::string nn = gemm_reference_key(s, make_gemm_tensors(s, 42));
  const Reference nn_ref = gemm_reference(s, make_gemm_tensors(s, 42));
  for (GemmLayout l : {GemmLayout::NT, GemmLayout::TN}) {
    GemmSpec t = s;
    t.layout = l;
    const HostTensors in = make_gemm_tensors(t, 42);
    EXPECT_EQ(gemm_reference_key(t, in), nn) << layout_name(l);
    EXPECT_EQ(gemm_reference(t, in).value, nn_ref.value) << layout_name(l);
  }
  GemmSpec other = s;
  other.alpha = 2;
  EXPECT_NE(gemm_reference_key(other, make_gemm_tensors(other, 42)), nn);
  other = s;
  other.dtype = DType::fp16;
  EXPECT_NE(gemm_reference_key(other, make_gemm_tensors(other, 42)), nn);
  EXPECT_NE(gemm_reference_key(s, make_gemm_tensors(s, 43)), nn);
  other = s;
  other.beta = 1;  // C0 now counts
  EXPECT_NE(gemm_reference_key(other, make_gemm_tensors(other, 42)), nn);
  HostTensors changed = make_gemm_tensors(s, 42);
  store_from_float(changed.at("B").data(), DType::bf16, 7, 0.5f);
  EXPECT_NE(gemm_reference_key(s, changed), nn);
}

// A 4096^3 fp32 case whose one element is wrong by just over its bound fails with exactly that
// element counted; just under the bound it passes. The fast reference must keep this edge.
TEST(GemmReference, OneElementJustOverItsBoundFailsAt4096Cubed) {
  GemmSpec s;
  s.m = s.n = s.k = 4096;
  const HostTensors in = make_gemm_tensors(s, 42);
  const Reference ref = *cached_gemm_reference(s, in).reference;
  const Tolerance tol = gemm_tolerance(s);
  HostTensors out = in;
  float* c = static_cast<float*>(out.at("C").data());
  for (std::size_t i = 0; i < ref.value.size(); ++i) c[i] = static_cast<float>(ref.value[i]);
  ASSERT_TRUE(check_gemm(s, in, out).passed);

  const std::size_t victim = 4096u * 1234u + 2345u;
  const double r = ref.value[victim];
  const double bound =
      tol.c * (tol.u_acc * tol.g * ref.magnitude[victim] + tol.u_out * std::fabs(r)) + tol.tiny;
  float over = static_cast<float>(r + 1.02 * bound);
  while (!(static_cast<double>(over) - r > bound)) over = std::nextafter(over, INFINITY);
  float under = static_cast<float>(r + 0.98 * bound);
  while (!(static_cast<double>(under) - r <= bound)) under = std::nextafter(under, -INFINITY);
  ASSERT_LT(static_cast<double>(over) - r, 1.1 * bound) << "the test needs a margin of a few %";

  c[victim] = over;
  const CheckResult bad = check_gemm(s, in, out);
  EXPECT_FALSE(bad.passed);
  EXPECT_EQ(bad.wrong_count, 1u);
  EXPECT_EQ(bad.worst_index, static_cast<std::int64_t>(victim));
  c[victim] = under;
  EXPECT_TRUE(check_gemm(s, in, out).passed);
}

}  // namespace
}  // namespace aicert
