# cpu:blocked (the plugin, loaded with dlopen) against OpenBLAS cblas_sgemm, same binary.
if(NOT TARGET PkgConfig::OPENBLAS)
  pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
endif()
aicert_add_benchmark(cpu_gemm_bench
  SOURCES cpu_gemm_bench.cpp
  LIBS aicert_workloads PkgConfig::OPENBLAS ${CMAKE_DL_LIBS})
target_compile_definitions(cpu_gemm_bench PRIVATE AICERT_PLUGIN_DIR="${AICERT_PLUGIN_OUTPUT_DIR}")
add_dependencies(cpu_gemm_bench aicert-backend-cpu)
