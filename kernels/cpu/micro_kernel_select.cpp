// Chooses the micro-kernel with __builtin_cpu_supports (cpuid + OS register-state checks).
#include "kernels/cpu/micro_kernel_select.h"

#include <cstdlib>

#include "kernels/cpu/bf16_kernel_choice.h"

namespace aicert::cpu {
namespace {

bool cpu_runs(const MicroKernel& k) {
  const std::string_view isa = k.isa;
#if defined(AICERT_CPU_X86_KERNELS)
  __builtin_cpu_init();
  if (isa == "avx512") return __builtin_cpu_supports("avx512f");
  if (isa == "avx512_bf16") {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
  }
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
  // The bf16 kernel's fp32 sibling for everything that is not a bf16 GEMM.
  if (forced != nullptr && std::string_view(forced) == "avx512_bf16") {
    return select_gemm_micro_kernel(DType::fp32, why_not);
  }
  return select_micro_kernel(forced ? forced : "", why_not);
}

const MicroKernel* select_gemm_micro_kernel(DType dtype, std::string* why_not) {
  const char* env = std::getenv(kIsaOverrideEnv);
  const std::string_view forced = env ? env : "";
#if defined(AICERT_CPU_X86_KERNELS)
  const MicroKernel& bf16 = avx512_bf16_micro_kernel();
  if (forced == bf16.isa) {
    if (!cpu_runs(bf16)) {
      if (why_not) {
        *why_not = std::string("micro-kernel 'avx512_bf16' requested by ") + kIsaOverrideEnv +
                   " needs avx512_bf16, which this CPU lacks";
      }
      return nullptr;
    }
    return dtype == DType::bf16 ? &bf16 : select_micro_kernel("avx512", why_not);
  }
  if (forced.empty() && dtype == DType::bf16 && cpu_runs(bf16) &&
      bf16_kernel_choice(bf16, avx512_micro_kernel()).use_pairs) {
    return &bf16;
  }
#else
  (void)dtype;
#endif
  return select_micro_kernel(forced, why_not);
}

}  // namespace aicert::cpu
