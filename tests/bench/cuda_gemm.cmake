# CUDA GEMM benchmark: the plugin's own kernels against cuBLASLt on the same device and run.
if(TARGET aicert_cuda_core)
  aicert_add_benchmark(cuda_gemm_bench SOURCES cuda_gemm_bench.cpp LIBS aicert_cuda_core)
endif()
