// The online-softmax step (softmax_step.h), written once over an ISA traits type and
// instantiated by each softmax_step_<isa>.cpp under its own flags. As with micro_kernel_body.h:
// include only from those files, instantiate with traits in an anonymous namespace, and call no
// std:: inline function here (its out-of-line copy could be built for the wider ISA).
//
// 2^x for x <= 0: x = n + f with n = round(x), |f| <= 1/2; 2^f by its degree-7 Taylor polynomial
// in f*ln2 (truncation below 2^-23 relative), 2^n put into the exponent bits. x < -125 gives
// exactly 0 (masked keys have x = -inf), so no subnormal or NaN ever reaches the weights
// (2^f >= 2^-1/2 keeps p * 2^n normal for n >= -125).
#pragma once

#include <cstdint>

namespace aicert::cpu {

template <class Isa>
inline typename Isa::V softmax_exp2(typename Isa::V x) {
  using V = typename Isa::V;
  const V lo = Isa::set1(-125.0f);
  const V keep = Isa::ge(x, lo);  // all-ones lanes where the result is a normal number
  x = Isa::max(x, lo);
  const V n = Isa::round(x);
  const V f = Isa::sub(x, n);
  // 2^f = sum_k (f ln2)^k / k!, coefficients ln2^k / k! in Horner form.
  V p = Isa::set1(1.5252733804059841e-05f);
  p = Isa::fma(p, f, Isa::set1(1.5403530393381606e-04f));
  p = Isa::fma(p, f, Isa::set1(1.3333558146428441e-03f));
  p = Isa::fma(p, f, Isa::set1(9.6181291076284772e-03f));
  p = Isa::fma(p, f, Isa::set1(5.5504108664821580e-02f));
  p = Isa::fma(p, f, Isa::set1(2.4022650695910071e-01f));
  p = Isa::fma(p, f, Isa::set1(6.9314718055994531e-01f));
  p = Isa::fma(p, f, Isa::set1(1.0f));
  return Isa::bit_and(Isa::scale_by_pow2(p, n), keep);
}

template <class Isa>
inline void softmax_step_body(float* p, std::int64_t rows, std::int64_t nr, const float* key_limit,
                              float* m, float* l, float* o, std::int64_t o_rows) {
  using V = typename Isa::V;
  constexpr int L = Isa::kLanes;
  const V neg_inf = Isa::set1(-__builtin_inff());
  for (std::int64_t c = 0; c < nr; c += L) {
    if (key_limit != nullptr) {
      const V limit = Isa::loadu(key_limit + c);
      for (std::int64_t r = 0; r < rows; ++r) {
        const V row = Isa::set1(static_cast<float>(r));
        float* pr = p + r * nr + c;
        Isa::storeu(pr, Isa::blend(Isa::loadu(pr), neg_inf, Isa::ge(row, limit)));
      }
    }
    V mx = neg_inf;
    for (std::int64_t r = 0; r < rows; ++r) mx = Isa::max(mx, Isa::loadu(p + r * nr + c));
    const V m_old = Isa::loadu(m + c);
    V m_new = Isa::max(m_old, mx);
    // A query with every key so far masked keeps m = -inf; subtract 0 instead so its weights
    // come out 0 rather than NaN.
    const V m_sub = Isa::blend(m_new, Isa::set1(0.0f), Isa::ge(neg_inf, m_new));
    const V alpha = softmax_exp2<Isa>(Isa::sub(m_old, m_sub));
    V sum = Isa::set1(0.0f);
    for (std::int64_t r = 0; r < rows; ++r) {
      float* pr = p + r * nr + c;
      const V w = softmax_exp2<Isa>(Isa::sub(Isa::loadu(pr), m_sub));
      Isa::storeu(pr, w);
      sum = Isa::add(sum, w);
    }
    Isa::storeu(m + c, m_new);
    Isa::storeu(l + c, Isa::fma(Isa::loadu(l + c), alpha, sum));
    for (std::int64_t r = 0; r < o_rows; ++r) {
      float* orow = o + r * nr + c;
      Isa::storeu(orow, Isa::mul(Isa::loadu(orow), alpha));
    }
  }
}

}  // namespace aicert::cpu
