/* A CBLAS whose cblas_sgemm faults, as a broken BLAS build or a bad driver would: preloaded
 * (LD_PRELOAD) in front of OpenBLAS, it takes the place of the cpu:cblas implementation's
 * cblas_sgemm and nothing else (the fp64 reference's cblas_dgemm stays OpenBLAS's). */
#include <signal.h>
#include <stdio.h>

void cblas_sgemm(void) {
  fputs("faulting cblas: cblas_sgemm reads through a null pointer now\n", stderr);
  fflush(stderr);
  raise(SIGSEGV);
}
