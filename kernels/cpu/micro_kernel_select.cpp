// Chooses the micro-kernel with __builtin_cpu_supports (cpuid + OS register-state checks).
#include "kernels/cpu/micro_kernel_select.h"

#include <cstdlib>

namespace aicert::cpu {
namespace {

bool cpu_runs(const MicroKernel& k) {
  const std::string_view isa = k.isa;
#if defined(AICERT_CPU_X86_KERNELS)
  __builtin_cpu_init();
  if (isa == "avx512") return __builtin_cpu_supports("avx512f");
  if (isa == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return isa == "generic";
}

// Widest first.
const MicroKernel* const* all_kernels() {
  static const MicroKernel* const kAll[] = {
#if defined(AICERT_CPU_X86_KERNELS)
    &avx512_micro_kernel(),
    &avx2_micro_kernel(),
#endif
    &generic_micro_kernel(),
    nullptr,
  };
  return kAll;
}

}  // namespace

const MicroKernel* select_micro_kernel(std::string_view forced, std::string* why_not) {
  std::string known;
  for (const MicroKernel* const* k = all_kernels(); *k != nullptr; ++k) {
    if (forced.empty() ? cpu_runs(**k) : forced == (*k)->isa) {
      if (cpu_runs(**k)) return *k;
      if (why_not) {
        *why_not = std::string("micro-kernel '") + (*k)->isa + "' requested by " + kIsaOverrideEnv +
                   " needs an ISA this CPU lacks";
      }
      return nullptr;
    }
    known += known.empty() ? "" : ", ";
    known += (*k)->isa;
  }
  if (why_not) {
    *why_not = std::string(kIsaOverrideEnv) + "='" + std::string(forced) +
               "' names no micro-kernel of this build (known: " + known + ")";
  }
  return nullptr;
}

const MicroKernel* select_micro_kernel_from_env(std::string* why_not) {
  const char* forced = std::getenv(kIsaOverrideEnv);
  return select_micro_kernel(forced ? forced : "", why_not);
}

}  // namespace aicert::cpu
