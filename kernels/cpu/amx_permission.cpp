// The one-time AMX tile-data permission request; see amx_permission.h.
#include "kernels/cpu/amx_permission.h"

#include <cerrno>
#include <cstring>

#if defined(__linux__) && defined(__x86_64__)
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace aicert::cpu {
namespace {

// From the kernel's arch/x86/include/uapi/asm/prctl.h and fpu/xstate.h (not in glibc's headers).
constexpr long kArchReqXcompPerm = 0x1023;
constexpr long kXfeatureXtileData = 18;

#if defined(__linux__) && defined(__x86_64__)
// cpuid leaf 7 subleaf 0, EDX: bit 22 AMX-BF16, bit 24 AMX-TILE. Read directly rather than with
// __builtin_cpu_supports, whose "amx-*" names clang 14 does not know.
bool cpu_has_amx_bf16() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
  return (d >> 22 & 1u) != 0 && (d >> 24 & 1u) != 0;
}
#endif

std::string request() {
#if defined(__linux__) && defined(__x86_64__)
  if (!cpu_has_amx_bf16()) return "this CPU has no AMX-BF16";
  if (syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtileData) != 0) {
    const int err = errno;
    return std::string("the OS refused AMX tile data (arch_prctl ARCH_REQ_XCOMP_PERM: ") +
           std::strerror(err) + (err == EINVAL ? "; Linux before 5.16 has no such request)" : ")");
  }
  return {};
#else
  return "AMX is x86-64 Linux only in this build";
#endif
}

}  // namespace

bool amx_permitted(std::string* why_not) {
  static const std::string refusal = request();
  if (!refusal.empty() && why_not != nullptr) *why_not = refusal;
  return refusal.empty();
}

}  // namespace aicert::cpu
