// The stream loops; see stream_loops.h. The plain loops are left to the compiler's vectoriser
// (element-wise, no reassociation needed). The non-temporal path and dot are written out: stores
// that bypass the cache need intrinsics, and an fp64 sum vectorises only with independent
// accumulators spelled out (the compiler may not reorder floating-point additions).
#include "kernels/cpu/stream_loops.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstddef>
#include <cstdint>

namespace aicert::cpu {

namespace {

constexpr float kScalar = static_cast<float>(kStreamScalar);

// Element i of the op's output (one of copy, mul, add, triad).
template <StreamOp Op>
inline float element(const float* a, const float* b, std::int64_t i) {
  if constexpr (Op == StreamOp::copy) return a[i];
  if constexpr (Op == StreamOp::mul) return kScalar * a[i];
  if constexpr (Op == StreamOp::add) return a[i] + b[i];
  if constexpr (Op == StreamOp::triad) return a[i] + kScalar * b[i];
  return 0.0f;
}

template <StreamOp Op>
void plain_loop(const StreamChunk& k) {
  const float* __restrict a = k.a;
  const float* __restrict b = k.b;
  float* __restrict c = k.c;
  for (std::int64_t i = 0; i < k.n; ++i) c[i] = element<Op>(a, b, i);
}

#if defined(__SSE2__)
template <StreamOp Op>
inline __m128 vector_at(const float* a, const float* b, std::int64_t i) {
  const __m128 s = _mm_set1_ps(kScalar);
  if constexpr (Op == StreamOp::copy) return _mm_loadu_ps(a + i);
  if constexpr (Op == StreamOp::mul) return _mm_mul_ps(s, _mm_loadu_ps(a + i));
  if constexpr (Op == StreamOp::add) return _mm_add_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
  if constexpr (Op == StreamOp::triad)
    return _mm_add_ps(_mm_loadu_ps(a + i), _mm_mul_ps(s, _mm_loadu_ps(b + i)));
  return _mm_setzero_ps();
}

// Ordinary stores up to C's first 16-byte boundary, streaming stores of 4 x 4 floats, the tail
// again ordinary; the sfence orders the streaming stores before the run is taken as finished.
template <StreamOp Op>
void non_temporal_loop(const StreamChunk& k) {
  std::int64_t i = 0;
  while (i < k.n && (reinterpret_cast<std::uintptr_t>(k.c + i) & 15) != 0) {
    k.c[i] = element<Op>(k.a, k.b, i);
    ++i;
  }
  for (; i + 16 <= k.n; i += 16) {
    _mm_stream_ps(k.c + i, vector_at<Op>(k.a, k.b, i));
    _mm_stream_ps(k.c + i + 4, vector_at<Op>(k.a, k.b, i + 4));
    _mm_stream_ps(k.c + i + 8, vector_at<Op>(k.a, k.b, i + 8));
    _mm_stream_ps(k.c + i + 12, vector_at<Op>(k.a, k.b, i + 12));
  }
  for (; i < k.n; ++i) k.c[i] = element<Op>(k.a, k.b, i);
  _mm_sfence();
}
#endif

template <StreamOp Op>
void loop(const StreamChunk& k, bool non_temporal) {
#if defined(__SSE2__)
  if (non_temporal) return non_temporal_loop<Op>(k);
#else
  (void)non_temporal;
#endif
  plain_loop<Op>(k);
}

// Eight independent fp64 accumulators: enough additions in flight to keep up with memory. With
// SSE2 they are four registers of two, fed by widening four floats of A and of B per step.
double dot(const StreamChunk& k) {
  std::int64_t i = 0;
  double sum = 0;
#if defined(__SSE2__)
  __m128d acc[4] = {_mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd()};
  for (; i + 8 <= k.n; i += 8) {
    const __m128 a0 = _mm_loadu_ps(k.a + i), a1 = _mm_loadu_ps(k.a + i + 4);
    const __m128 b0 = _mm_loadu_ps(k.b + i), b1 = _mm_loadu_ps(k.b + i + 4);
    acc[0] = _mm_add_pd(acc[0], _mm_mul_pd(_mm_cvtps_pd(a0), _mm_cvtps_pd(b0)));
    acc[1] = _mm_add_pd(acc[1], _mm_mul_pd(_mm_cvtps_pd(_mm_movehl_ps(a0, a0)),
                                           _mm_cvtps_pd(_mm_movehl_ps(b0, b0))));
    acc[2] = _mm_add_pd(acc[2], _mm_mul_pd(_mm_cvtps_pd(a1), _mm_cvtps_pd(b1)));
    acc[3] = _mm_add_pd(acc[3], _mm_mul_pd(_mm_cvtps_pd(_mm_movehl_ps(a1, a1)),
                                           _mm_cvtps_pd(_mm_movehl_ps(b1, b1))));
  }
  const __m128d total = _mm_add_pd(_mm_add_pd(acc[0], acc[1]), _mm_add_pd(acc[2], acc[3]));
  double lanes[2];
  _mm_storeu_pd(lanes, total);
  sum = lanes[0] + lanes[1];
#else
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (; i + 8 <= k.n; i += 8) {
    for (int j = 0; j < 8; ++j) {
      acc[j] += static_cast<double>(k.a[i + j]) * static_cast<double>(k.b[i + j]);
    }
  }
  sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
#endif
  for (; i < k.n; ++i) sum += static_cast<double>(k.a[i]) * static_cast<double>(k.b[i]);
  return sum;
}

}  // namespace

double run_stream_chunk(StreamOp op, const StreamChunk& chunk, bool non_temporal) {
  switch (op) {
    case StreamOp::copy:
      loop<StreamOp::copy>(chunk, non_temporal);
      return 0;
    case StreamOp::mul:
      loop<StreamOp::mul>(chunk, non_temporal);
      return 0;
    case StreamOp::add:
      loop<StreamOp::add>(chunk, non_temporal);
      return 0;
    case StreamOp::triad:
      loop<StreamOp::triad>(chunk, non_temporal);
      return 0;
    case StreamOp::dot:
      return dot(chunk);
  }
  return 0;
}

}  // namespace aicert::cpu
