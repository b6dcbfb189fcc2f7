// Whether this process is one rank of an MPI job, and which, read from the launcher's environment
// only: no MPI call and no MPI library, so the harness and the plugins that must not link MPI
// (cuda, which bootstraps through libaicert-mpi-bootstrap.so) ask the same question with the
// same answer as the mpi plugin. The one detector; header-only.
//
// Launchers, tried in this order; the first whose rank and size both read as integers with
// 0 <= rank < size <= 2^24 decides:
//   Open MPI (mpirun, also 5.x under PRRTE)  OMPI_COMM_WORLD_RANK, OMPI_COMM_WORLD_SIZE
//   PMI-1/PMI-2 (MPICH/Intel MPI Hydra,      PMI_RANK, PMI_SIZE
//     srun --mpi=pmi2, Flux)
//   PMIx without Open MPI (srun --mpi=pmix)  PMIX_RANK; PMIx exports no world size (that is
//                                            PMIx_Get(PMIX_JOB_SIZE), an MPI-side call), so
//                                            the size is Slurm's SLURM_STEP_NUM_TASKS
//   none of these, AICERT_MPI=1              a singleton world: rank 0, size 1
// Decided where rank or size is unknown: a launcher whose variables are missing, malformed or
// inconsistent is skipped, and a process with no complete launcher is not a job (rank 0,
// size 1, inactive). So a rank alone (PMIX_RANK with no size, or Hydra's MPI_LOCALNRANKS
// alone) is not taken for a job: the harness plans the collectives of a job by its size and
// lets rank 0 alone report, and neither can be decided without both numbers. AICERT_MPI with
// another value than 1 is ignored.
// In a job every rank runs the same plan in step (the mpi kernels keep them in step); rank 0
// alone prints and writes the report.
#pragma once

#include <cstdlib>
#include <cstring>
#include <optional>

namespace aicert {

struct MpiJob {
  bool active = false;  // started by an MPI launcher (or AICERT_MPI=1)
  int rank = 0;
  int size = 1;
};

namespace mpi_job_detail {

inline std::optional<int> env_int(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (*end != '\0' || v < 0 || v > 1L << 24) return std::nullopt;
  return static_cast<int>(v);
}

}  // namespace mpi_job_detail

inline MpiJob mpi_job_from_env() {
  struct Launcher {
    const char* rank;
    const char* size;
  };
  for (const Launcher l :
       {Launcher{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"}, Launcher{"PMI_RANK", "PMI_SIZE"},
        Launcher{"PMIX_RANK", "SLURM_STEP_NUM_TASKS"}}) {
    const std::optional<int> rank = mpi_job_detail::env_int(l.rank);
    const std::optional<int> size = mpi_job_detail::env_int(l.size);
    if (rank && size && *rank < *size) return MpiJob{true, *rank, *size};
  }
  if (const char* singleton = std::getenv("AICERT_MPI");
      singleton != nullptr && std::strcmp(singleton, "1") == 0) {
    return MpiJob{true, 0, 1};
  }
  return MpiJob{};
}

}  // namespace aicert
