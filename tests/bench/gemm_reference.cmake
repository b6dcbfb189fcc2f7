# The fp64 GEMM reference against one OpenBLAS cblas_dgemm, same binary.
aicert_add_benchmark(gemm_reference_bench
  SOURCES gemm_reference_bench.cpp
  LIBS aicert_workloads PkgConfig::OPENBLAS)
