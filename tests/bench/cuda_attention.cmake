# CUDA attention benchmark: cuda:flash against cuBLASLt GEMM on the same device and run.
if(TARGET aicert_cuda_core)
  aicert_add_benchmark(cuda_attention_bench SOURCES cuda_attention_bench.cpp LIBS aicert_cuda_core)
endif()
