/* The C ABI of libaicert-mpi-bootstrap.so: the few MPI calls a device backend (cuda:nccl, later
 * HIP/RCCL) needs to build its communicator across the processes of an mpirun job, without
 * linking MPI itself. The backend dlopen()s the library only in an MPI job and calls
 * aicert_mpi_bootstrap_v1() for the table below. No MPI header here.
 *
 * Every call that can fail returns 0 on success, else nonzero with a NUL-terminated message in
 * err[err_bytes]. Blocking calls run under a watchdog: past the timeout given to init() the
 * watchdog names the call on stderr and aborts the job (MPI_Abort), as the mpi backend does. */
#ifndef AICERT_KERNELS_MPI_BOOTSTRAP_ABI_H
#define AICERT_KERNELS_MPI_BOOTSTRAP_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AICERT_MPI_BOOTSTRAP_LIBRARY "libaicert-mpi-bootstrap.so"
#define AICERT_MPI_BOOTSTRAP_ENTRY "aicert_mpi_bootstrap_v1"
#define AICERT_MPI_BOOTSTRAP_VERSION 1

typedef struct AicertMpiBootstrap {
  int version; /* AICERT_MPI_BOOTSTRAP_VERSION */
  /* MPI_Init_thread(FUNNELED) unless MPI is initialized already (by the mpi backend, say);
   * idempotent. timeout_s: the watchdog's deadline for every later blocking call. */
  int (*init)(double timeout_s, char* err, size_t err_bytes);
  int (*rank)(void);       /* in MPI_COMM_WORLD; valid after init */
  int (*size)(void);       /* of MPI_COMM_WORLD */
  int (*local_rank)(void); /* among the ranks of this node (MPI_COMM_TYPE_SHARED) */
  int (*local_size)(void);
  /* MPI_Bcast of `bytes` bytes at data from `root` to every rank. */
  int (*broadcast)(void* data, size_t bytes, int root, char* err, size_t err_bytes);
  int (*barrier)(char* err, size_t err_bytes);
  /* MPI_Allgatherv of bytes: rank r's `mine` (counts[r] bytes) lands at all + displs[r]. */
  int (*allgatherv)(const void* mine, void* all, const size_t* counts, const size_t* displs,
                    char* err, size_t err_bytes);
  /* *value becomes the maximum of every rank's *value. */
  int (*max_double)(double* value, char* err, size_t err_bytes);
  /* MPI_Finalize if init() initialized MPI and it is not finalized yet. */
  void (*finalize)(void);
} AicertMpiBootstrap;

typedef const AicertMpiBootstrap* (*AicertMpiBootstrapEntryFn)(void);

#ifdef __cplusplus
}
#endif

#endif /* AICERT_KERNELS_MPI_BOOTSTRAP_ABI_H */
