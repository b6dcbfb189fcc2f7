# cuda:nccl allreduce bandwidth against the device's own memcpy bandwidth, same binary and run.
if(TARGET aicert_cuda_core)
  aicert_add_benchmark(cuda_collective_bench SOURCES cuda_collective_bench.cpp LIBS aicert_cuda_core)
endif()
