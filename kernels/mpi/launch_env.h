// Whether this process is a rank of an MPI job, read from the launcher's environment only (no MPI
// call, so plugins that must not link MPI can ask too): Open MPI, PMI/PMIx launchers, MPICH
// Hydra, or AICERT_MPI=1 (a singleton world). Header-only; shared by the mpi backend and the
// device backends that bootstrap through libaicert-mpi-bootstrap.so.
#pragma once

#include <cstdlib>

namespace aicert::mpi {

inline bool launched_by_mpi() {
  for (const char* v :
       {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS", "AICERT_MPI"}) {
    if (std::getenv(v) != nullptr) return true;
  }
  return false;
}

}  // namespace aicert::mpi
