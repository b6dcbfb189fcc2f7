// A one-line inventory of the host a rank runs on (CPU model, logical CPUs, memory, OS kernel),
// which the mpi backend gathers from every rank so that rank 0's report lists every host of the
// job, not only its own.
#pragma once

#include <string>

namespace aicert::mpi {

// "AMD EPYC 7B13, 2 logical CPUs, 23.5 GiB, Linux 6.1.0-18-amd64"
std::string host_summary();

}  // namespace aicert::mpi
