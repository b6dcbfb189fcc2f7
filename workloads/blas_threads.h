// OpenBLAS's worker threads spin for about 2^28 cycles after each call before they sleep, and on
// a machine with as many threads as cores that spin takes the cores from whatever runs next:
// oneDNN's fp32 512^3 GEMM measured 33 GFLOP/s right after a cpu:cblas case instead of 360.
// The fp64 reference (cblas_dgemm) and cpu:cblas stop them when they are done.
#pragma once

namespace aicert {

// Stops the BLAS's worker threads (OpenBLAS's blas_thread_shutdown_, looked up in the library
// that provides cblas_dgemm; OpenBLAS starts them again on its next threaded call). Does
// nothing where the library has no such function. Call only while no other thread uses it.
void park_blas_threads();

}  // namespace aicert
