// Chooses the peak loop with __builtin_cpu_supports (cpuid + OS register-state checks); AMX also
// needs the OS's permission (amx_permission.h).
#include <cstdlib>

#include "kernels/cpu/amx_permission.h"
#include "kernels/cpu/peak_loops.h"

namespace aicert::cpu {

namespace {
// AICERT_CPU_PEAK_ISA=avx2|generic runs the fp32 vector peak on a narrower loop than the CPU's
// best (tests cover every loop on one machine; and a vendor can see what AVX-512 brings).
const PeakLoop* forced_fp32_loop(bool avx2_runs) {
  const char* isa = std::getenv("AICERT_CPU_PEAK_ISA");
  if (isa == nullptr) return nullptr;
  const std::string name = isa;
  if (name == "generic") return &generic_fp32_peak_loop();
#if defined(AICERT_CPU_X86_KERNELS)
  if (name == "avx2" && avx2_runs) return &avx2_fp32_peak_loop();
#else
  (void)avx2_runs;
#endif
  return nullptr;
}
}  // namespace

const PeakLoop* select_peak_loop(PeakUnit unit, DType dtype, std::string* why_not) {
  auto refuse = [&](std::string why) -> const PeakLoop* {
    if (why_not) *why_not = "not supported: " + std::move(why);
    return nullptr;
  };
  const bool vector = unit == PeakUnit::vector;
#if defined(AICERT_CPU_X86_KERNELS)
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (vector && dtype == DType::fp32) {
    if (const PeakLoop* forced = forced_fp32_loop(avx2)) return forced;
    if (avx512) return &avx512_fp32_peak_loop();
    if (avx2) return &avx2_fp32_peak_loop();
    return &generic_fp32_peak_loop();
  }
  if (vector && dtype == DType::bf16) {
    if (avx512 && __builtin_cpu_supports("avx512bf16")) return &avx512_bf16_peak_loop();
    return refuse("this CPU has no AVX512-BF16 (vdpbf16ps), the vector unit that multiplies bf16 "
                  "pairs into fp32; bf16 GEMMs here widen to fp32 (the fp32 peak is their ceiling)");
  }
  if (!vector && dtype == DType::bf16) {
    std::string lacks;
    if (!amx_permitted(&lacks)) return refuse("no AMX-BF16 tiles: " + lacks);
    return &amx_bf16_peak_loop();
  }
#else
  if (vector && dtype == DType::fp32) {
    if (const PeakLoop* forced = forced_fp32_loop(false)) return forced;
    return &generic_fp32_peak_loop();
  }
#endif
  if (dtype == DType::fp16) {
    return refuse(vector ? "no x86 vector unit before AVX10.2 (vdpphps) multiplies fp16 pairs into "
                           "fp32; fp16 GEMMs here widen to fp32 (the fp32 peak is their ceiling)"
                         : "AMX-FP16 (TDPFP16PS) has no kernel in this build");
  }
  return refuse("no " + std::string(peak_unit_name(unit)) + " " + std::string(dtype_name(dtype)) +
                " loop for this CPU");
}

}  // namespace aicert::cpu
