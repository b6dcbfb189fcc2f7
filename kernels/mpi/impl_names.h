// The mpi backend's implementation names: the names its table (MpiBackend::impl_table())
// lists, that cases, reports and --impl carry, and that its kernels' impl() return. One place,
// so they agree.
#pragma once

#include <string_view>

namespace aicert::mpi {

inline constexpr std::string_view kMpiNativeImpl = "mpi:native";  // collectives through the MPI library

}  // namespace aicert::mpi
