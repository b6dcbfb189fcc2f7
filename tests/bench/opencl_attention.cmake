# OpenCL attention benchmark: opencl:flash against opencl:tiled GEMM on the same device.
if(TARGET aicert_opencl_core)
  aicert_add_benchmark(opencl_attention_bench
    SOURCES opencl_attention_bench.cpp
    LIBS aicert_opencl_core)
endif()
