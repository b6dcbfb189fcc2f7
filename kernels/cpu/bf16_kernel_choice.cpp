// The one-time race of the bf16-pair and the fp32 micro-kernels; see bf16_kernel_choice.h.
#include "kernels/cpu/bf16_kernel_choice.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

namespace aicert::cpu {
namespace {

constexpr std::int64_t kKc = 256;   // a panel deep enough for the loop to dominate
constexpr int kCalls = 200;         // per timed round: ~0.3 ms for either kernel
constexpr int kRounds = 3;          // alternating, best of each

// Best seconds per call of `k` on panels `a`, `b` (kc deep) into tile `c`.
double seconds_per_call(const MicroKernel& k, const float* a, const float* b, float* c) {
  if (k.begin) k.begin();
  double best = 1e30;
  for (int round = 0; round < kRounds; ++round) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i) k.fn(kKc, a, b, c, k.nr, 1e-6f, 1.0f);
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    best = std::min(best, dt.count() / kCalls);
  }
  if (k.end) k.end();
  return best;
}

Bf16KernelChoice race(const MicroKernel& bf16, const MicroKernel& fp32) {
  // 1.0f is 0x3f800000: as bf16 pairs (0, 1.0), so neither kernel meets NaN or denormals. A
  // panel of kKc fp32 rows holds one of any bf16 format (panel_words <= kKc * width).
  const auto panel = [](int width) {
    std::vector<float> v(static_cast<std::size_t>(width * kKc) + 16, 1.0f);
    return v;
  };
  const int mr = std::max(bf16.mr, fp32.mr), nr = std::max(bf16.nr, fp32.nr);
  std::vector<float> a = panel(mr), b = panel(nr), c(static_cast<std::size_t>(mr * nr), 0.0f);
  // The kernels load B with aligned loads: start both panels on a 64-byte boundary.
  const auto aligned = [](std::vector<float>& v) {
    auto p = reinterpret_cast<std::uintptr_t>(v.data());
    return reinterpret_cast<float*>((p + 63) & ~std::uintptr_t{63});
  };
  float* ap = aligned(a);
  float* bp = aligned(b);
  seconds_per_call(fp32, ap, bp, c.data());  // warm up caches and clocks
  double t_fp32 = 1e30, t_bf16 = 1e30;
  for (int i = 0; i < 2; ++i) {
    t_fp32 = std::min(t_fp32, seconds_per_call(fp32, ap, bp, c.data()));
    t_bf16 = std::min(t_bf16, seconds_per_call(bf16, ap, bp, c.data()));
  }
  Bf16KernelChoice choice;
  const double macs_fp32 = static_cast<double>(fp32.mr) * fp32.nr * kKc / t_fp32;
  const double macs_bf16 = static_cast<double>(bf16.mr) * bf16.nr * kKc / t_bf16;
  choice.speedup = macs_bf16 / macs_fp32;
  choice.use_bf16 = choice.speedup >= 1.1;
  return choice;
}

}  // namespace

const Bf16KernelChoice& bf16_kernel_choice(const MicroKernel& bf16, const MicroKernel& fp32) {
  static std::mutex mutex;
  static std::map<const MicroKernel*, Bf16KernelChoice> choices;  // entries never move
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = choices.find(&bf16);
  if (it == choices.end()) it = choices.emplace(&bf16, race(bf16, fp32)).first;
  return it->second;
}

}  // namespace aicert::cpu
