// The harness's name for the one MPI job detector, kernels/mpi_job.h (MpiJob, mpi_job_from_env()),
// which the plugins share so that harness and plugins never disagree on whether this is a job.
#pragma once

#include "kernels/mpi_job.h"
