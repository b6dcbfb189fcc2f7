// What the CPU backend asks of the OpenBLAS it is linked to: its identity, whether it exports
// cblas_sbgemm (bf16 GEMM), looked up at run time because distributions build OpenBLAS with or
// without it (Debian 12's 0.3.21 has none), and that its idle threads stop spinning.
#pragma once

#include <cblas.h>

#include <cstdint>
#include <string>

namespace aicert::cpu {

// openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
std::string openblas_config();
// openblas_get_corename(), the kernel family OpenBLAS picked for this CPU, e.g. "Zen".
std::string openblas_corename();
// "0.3.21" (the version word of the config string), or the whole string if it has none.
std::string openblas_version();

// OpenBLAS's bf16 GEMM: bf16 A and B, fp32 alpha, beta and C.
using CblasSbgemmFn = void (*)(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans_a,
                               enum CBLAS_TRANSPOSE trans_b, blasint m, blasint n, blasint k,
                               float alpha, const std::uint16_t* a, blasint lda,
                               const std::uint16_t* b, blasint ldb, float beta, float* c,
                               blasint ldc);

// The cblas_sbgemm of the loaded OpenBLAS, or null with the reason in *why_not.
CblasSbgemmFn find_cblas_sbgemm(std::string* why_not);

// Stops OpenBLAS's worker threads (its blas_thread_shutdown_; OpenBLAS starts them again on the
// next threaded call). After a call its idle threads spin for about 2^28 cycles (its
// THREAD_TIMEOUT) before they sleep, and on a machine with as many threads as cores that spin
// takes the cores from whatever runs next: oneDNN's fp32 512^3 GEMM measured 33 GFLOP/s right
// after a cpu:cblas case instead of 360. Called when a cpu:cblas case ends. Does nothing where
// the library does not export it.
void park_openblas_threads();

}  // namespace aicert::cpu
