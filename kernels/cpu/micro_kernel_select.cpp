// Chooses the micro-kernel with __builtin_cpu_supports (cpuid + OS register-state checks).
#include "kernels/cpu/micro_kernel_select.h"

#include <cstdio>
#include <cstdlib>

#include "kernels/cpu/amx_permission.h"
#include "kernels/cpu/bf16_kernel_choice.h"

namespace aicert::cpu {
namespace {

// Whether this CPU (and OS) runs kernel k; if not, what it lacks in *lacks.
bool cpu_runs(const MicroKernel& k, std::string* lacks) {
  const std::string_view isa = k.isa;
  bool runs = isa == "generic";
#if defined(AICERT_CPU_X86_KERNELS)
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f");
  if (isa == "avx512") runs = avx512;
  if (isa == "avx512_bf16") runs = avx512 && __builtin_cpu_supports("avx512bf16");
  if (isa == "avx2") runs = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (isa == "amx_bf16") {
    // The epilogue is AVX-512; amx_permitted() checks cpuid for AMX and asks the OS.
    if (!avx512) {
      if (lacks) *lacks = "this CPU has no avx512f";
      return false;
    }
    return amx_permitted(lacks);
  }
#endif
  if (!runs && lacks) *lacks = "this CPU lacks " + std::string(isa);
  return runs;
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

// The kernels for bf16 inputs only, best first (each races the fp32 kernel before it is used).
const MicroKernel* const* bf16_kernels() {
  static const MicroKernel* const kAll[] = {
#if defined(AICERT_CPU_X86_KERNELS)
    &amx_bf16_micro_kernel(),
    &avx512_bf16_micro_kernel(),
#endif
    nullptr,
  };
  return kAll;
}

const MicroKernel* forced_bf16_kernel(std::string_view forced) {
  for (const MicroKernel* const* k = bf16_kernels(); *k != nullptr; ++k) {
    if (forced == (*k)->isa) return *k;
  }
  return nullptr;
}

}  // namespace

const MicroKernel* select_micro_kernel(std::string_view forced, std::string* why_not) {
  std::string known;
  for (const MicroKernel* const* k = all_kernels(); *k != nullptr; ++k) {
    if (forced.empty() ? cpu_runs(**k, nullptr) : forced == (*k)->isa) {
      std::string lacks;
      if (cpu_runs(**k, &lacks)) return *k;
      if (why_not) {
        *why_not = std::string("micro-kernel '") + (*k)->isa + "' requested by " + kIsaOverrideEnv +
                   " cannot run here: " + lacks;
      }
      return nullptr;
    }
    known += known.empty() ? "" : ", ";
    known += (*k)->isa;
  }
  for (const MicroKernel* const* k = bf16_kernels(); *k != nullptr; ++k) {
    known += std::string(", ") + (*k)->isa + " (bf16)";
  }
  if (why_not) {
    *why_not = std::string(kIsaOverrideEnv) + "='" + std::string(forced) +
               "' names no micro-kernel of this build (known: " + known + ")";
  }
  return nullptr;
}

const MicroKernel* select_micro_kernel_from_env(std::string* why_not) {
  const char* forced = std::getenv(kIsaOverrideEnv);
  // A bf16-only kernel forced: its fp32 sibling for everything that is not a bf16 GEMM.
  if (forced != nullptr && forced_bf16_kernel(forced) != nullptr) {
    return select_gemm_micro_kernel(DType::fp32, why_not);
  }
  return select_micro_kernel(forced ? forced : "", why_not);
}

const MicroKernel* select_gemm_micro_kernel(DType dtype, std::string* why_not) {
  const char* env = std::getenv(kIsaOverrideEnv);
  const std::string_view forced = env ? env : "";
  if (const MicroKernel* bf16 = forced_bf16_kernel(forced)) {
    std::string lacks;
    if (!cpu_runs(*bf16, &lacks)) {
      if (why_not) {
        *why_not = std::string("micro-kernel '") + bf16->isa + "' requested by " +
                   kIsaOverrideEnv + " cannot run here: " + lacks;
      }
      return nullptr;
    }
    return dtype == DType::bf16 ? bf16 : select_micro_kernel("avx512", why_not);
  }
  if (forced.empty() && dtype == DType::bf16) {
    if (const MicroKernel* fp32 = select_micro_kernel("", nullptr)) {
      for (const MicroKernel* const* k = bf16_kernels(); *k != nullptr; ++k) {
        if (cpu_runs(**k, nullptr) && bf16_kernel_choice(**k, *fp32).use_bf16) return *k;
      }
    }
  }
  return select_micro_kernel(forced, why_not);
}

std::string describe_bf16_kernels() {
  std::string out;
  const MicroKernel* fp32 = select_micro_kernel("", nullptr);
  for (const MicroKernel* const* k = bf16_kernels(); *k != nullptr; ++k) {
    std::string line = std::string((*k)->isa) + " ";
    std::string lacks;
    if (!cpu_runs(**k, &lacks) || fp32 == nullptr) {
      line += "cannot run: " + (lacks.empty() ? "no fp32 kernel to race" : lacks);
    } else {
      char ratio[64];
      std::snprintf(ratio, sizeof ratio, "%.2fx the %s kernel",
                    bf16_kernel_choice(**k, *fp32).speedup, fp32->isa);
      line += ratio;
    }
    out += (out.empty() ? "" : "; ") + line;
  }
  return out.empty() ? "none in this build" : out;
}

}  // namespace aicert::cpu
