// Whether this aicert process is one rank of an mpirun/mpiexec job, read from the launcher's
// environment (Open MPI: OMPI_COMM_WORLD_RANK/SIZE; MPICH and other PMI launchers: PMI_RANK/
// PMI_SIZE). The harness needs no MPI library for this: the mpi backend plugin does the MPI.
// In a job every rank runs the same plan in step (the mpi kernels keep them in step); rank 0
// alone prints and writes the report.
#pragma once

namespace aicert {

struct MpiJob {
  bool active = false;  // started by an MPI launcher
  int rank = 0;
  int size = 1;
};

MpiJob mpi_job_from_env();

}  // namespace aicert
