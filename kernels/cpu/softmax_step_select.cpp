// Chooses the online-softmax step to go with the chosen GEMM micro-kernel.
#include <string_view>

#include "kernels/cpu/softmax_step.h"

namespace aicert::cpu {

const SoftmaxStep& select_softmax_step(const MicroKernel& micro_kernel) {
#if defined(AICERT_CPU_X86_KERNELS)
  __builtin_cpu_init();
  const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const SoftmaxStep& avx2 = avx2_softmax_step();
  if (has_avx2 && std::string_view(micro_kernel.isa) != "generic" &&
      micro_kernel.nr % avx2.lanes == 0) {
    return avx2;
  }
#else
  (void)micro_kernel;
#endif
  return generic_softmax_step();
}

}  // namespace aicert::cpu
