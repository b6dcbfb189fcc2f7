// What the CPU backend asks of the OpenBLAS it is linked to: its identity, and whether it
// exports cblas_sbgemm (bf16 GEMM), looked up at run time because distributions build OpenBLAS
// with or without it (Debian 12's 0.3.21 has none).
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

}  // namespace aicert::cpu
