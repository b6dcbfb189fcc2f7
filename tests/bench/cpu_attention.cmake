# cpu:flash against cpu:blocked GEMM at the same dtype (both from the plugin, loaded with dlopen).
aicert_add_benchmark(cpu_attention_bench
  SOURCES cpu_attention_bench.cpp
  LIBS aicert_workloads ${CMAKE_DL_LIBS})
target_compile_definitions(cpu_attention_bench PRIVATE
  AICERT_PLUGIN_DIR="${AICERT_PLUGIN_OUTPUT_DIR}")
add_dependencies(cpu_attention_bench aicert-backend-cpu)
