# The cpu backend's attention (cpu:flash), plugin loaded with dlopen, against the fp64 reference.
aicert_add_test(cpu_attention_test
  SOURCES cpu_attention_test.cpp
  LIBS aicert_workloads ${CMAKE_DL_LIBS})
add_dependencies(cpu_attention_test aicert-backend-cpu)

# The sweep once more on the fp32 FMA kernel (bf16 widened), so that on a CPU whose bf16 runs on
# AMX tiles the widened path is checked too (and the tile path wherever the default run is not).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  add_test(NAME cpu_attention_sweep_widened_bf16
           COMMAND cpu_attention_test --gtest_filter=Shapes/*)
  set_tests_properties(cpu_attention_sweep_widened_bf16 PROPERTIES
    ENVIRONMENT "AICERT_PLUGIN_PATH=${AICERT_PLUGIN_OUTPUT_DIR};AICERT_CPU_GEMM_ISA=avx2")
endif()
