// The fp64 GEMM reference: alpha*A*B + beta*C0 and its magnitude |alpha||A||B| + |beta||C0|,
// through the host's fp64 BLAS (cblas_dgemm, multithreaded), from the case's rounded inputs.
//
// Why a library dgemm is a sound reference for an fp32/fp16/bf16/fp8 check: it runs in fp64 on
// the exact (widened) inputs, so its own error is at most about K * 2^-53 of the magnitude, some
// 2^29 times smaller than the fp32 accumulation term of the tightest bound checked against it.
// It shares no code with any kernel under test (cpu:cblas is OpenBLAS's sgemm/sbgemm, a
// different routine in a different precision), and every reference is spot-checked against a
// plain fp64 dot product on seeded elements before it is used (a broken BLAS is an error, not
// a verdict).
#pragma once

#include <string>

#include "workloads/gemm_spec.h"
#include "workloads/host_tensors.h"
#include "workloads/reference.h"

namespace aicert {

using GemmReference = Reference;

// Cost: two dgemm calls (4MNK flops) plus widening. Throws std::runtime_error when the BLAS
// result disagrees with the spot check.
GemmReference gemm_reference(const GemmSpec& spec, const HostTensors& inputs);

// Identity of the reference's inputs: SHA-256 over the logical problem (M, N, K, alpha, beta,
// dtypes) and the logical (row-major, untransposed) bytes of A, B and, when beta != 0, C0. Two
// cases with the same key have the same reference, whatever their layouts.
std::string gemm_reference_key(const GemmSpec& spec, const HostTensors& inputs);

}  // namespace aicert
