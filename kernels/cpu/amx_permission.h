// Whether this process may use AMX tiles. Linux (5.16 on) keeps the 8 KiB of tile data out of a
// thread's saved state until the process asks for it with arch_prctl(ARCH_REQ_XCOMP_PERM,
// XFEATURE_XTILEDATA); a tile instruction before that raises SIGILL even on a CPU with AMX.
#pragma once

#include <string>

namespace aicert::cpu {

// Asks once per process (the permission then holds for every thread, present and future).
// False with the reason in *why_not: no AMX in cpuid, or a kernel without the request (< 5.16)
// or one that refuses it.
bool amx_permitted(std::string* why_not);

}  // namespace aicert::cpu
