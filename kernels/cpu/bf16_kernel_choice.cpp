// The one-time race of the bf16-pair and the fp32 micro-kernels; see bf16_kernel_choice.h.
#include "kernels/cpu/bf16_kernel_choice.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace aicert::cpu {
namespace {

constexpr std::int64_t kKc = 256;   // a panel deep enough for the loop to dominate
constexpr int kCalls = 200;         // per timed round: ~0.3 ms for either kernel
constexpr int kRounds = 3;          // alternating, best of each

// Best seconds per call of `k` on panels `a`, `b` (kc deep) into tile `c`.
double seconds_per_call(const MicroKernel& k, const float* a, const float* b, float* c) {
  double best = 1e30;
  for (int round = 0; round < kRounds; ++round) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i) k.fn(kKc, a, b, c, k.nr, 1e-6f, 1.0f);
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    best = std::min(best, dt.count() / kCalls);
  }
  return best;
}

Bf16KernelChoice race(const MicroKernel& pairs, const MicroKernel& fp32) {
  // 1.0f is 0x3f800000: as bf16 pairs (0, 1.0), so neither kernel meets NaN or denormals.
  const auto panel = [](int width) {
    std::vector<float> v(static_cast<std::size_t>(width * kKc) + 16, 1.0f);
    return v;
  };
  const int mr = std::max(pairs.mr, fp32.mr), nr = std::max(pairs.nr, fp32.nr);
  std::vector<float> a = panel(mr), b = panel(nr), c(static_cast<std::size_t>(mr * nr), 0.0f);
  // The kernels load B with aligned loads: start both panels on a 64-byte boundary.
  const auto aligned = [](std::vector<float>& v) {
    auto p = reinterpret_cast<std::uintptr_t>(v.data());
    return reinterpret_cast<float*>((p + 63) & ~std::uintptr_t{63});
  };
  float* ap = aligned(a);
  float* bp = aligned(b);
  seconds_per_call(fp32, ap, bp, c.data());  // warm up caches and clocks
  double t_fp32 = 1e30, t_pairs = 1e30;
  for (int i = 0; i < 2; ++i) {
    t_fp32 = std::min(t_fp32, seconds_per_call(fp32, ap, bp, c.data()));
    t_pairs = std::min(t_pairs, seconds_per_call(pairs, ap, bp, c.data()));
  }
  Bf16KernelChoice choice;
  const double macs_fp32 = static_cast<double>(fp32.mr) * fp32.nr * kKc / t_fp32;
  const double macs_pairs = static_cast<double>(pairs.mr) * pairs.nr * kKc / t_pairs;
  choice.speedup = macs_pairs / macs_fp32;
  choice.use_pairs = choice.speedup >= 1.1;
  return choice;
}

}  // namespace

const Bf16KernelChoice& bf16_kernel_choice(const MicroKernel& pairs, const MicroKernel& fp32) {
  static const Bf16KernelChoice choice = race(pairs, fp32);
  return choice;
}

}  // namespace aicert::cpu
