# OpenCL GEMM benchmark: the plugin's own tiled kernel against CLBlast on the same device.
if(TARGET aicert_opencl_core)
  aicert_add_benchmark(opencl_gemm_bench SOURCES opencl_gemm_bench.cpp LIBS aicert_opencl_core)
endif()
