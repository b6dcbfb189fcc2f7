# cpu:stream (the plugin, loaded with dlopen) against memcpy and a plain loop, same run.
aicert_add_benchmark(cpu_stream_bench
  SOURCES cpu_stream_bench.cpp
  LIBS aicert_workloads Threads::Threads ${CMAKE_DL_LIBS})
target_compile_definitions(cpu_stream_bench PRIVATE AICERT_PLUGIN_DIR="${AICERT_PLUGIN_OUTPUT_DIR}")
add_dependencies(cpu_stream_bench aicert-backend-cpu)
