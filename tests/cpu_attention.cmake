# The cpu backend's attention (cpu:flash), plugin loaded with dlopen, against the fp64 reference.
aicert_add_test(cpu_attention_test
  SOURCES cpu_attention_test.cpp
  LIBS aicert_workloads ${CMAKE_DL_LIBS})
add_dependencies(cpu_attention_test aicert-backend-cpu)

# The attention sweep once more with the bf16 cases on the fp32 FMA kernel (widened), so that
# on a CPU whose bf16 runs on AMX tiles the widened path is checked too. Skipped (77) on a CPU
# without AVX2, where that kernel cannot be forced.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  add_test(NAME cpu_attention_sweep_widened_bf16
           COMMAND sh -c "grep -qw avx2 /proc/cpuinfo || { echo 'no avx2: skipped'; exit 77; }; exec \"$0\" --gtest_filter='Shapes/AttentionSweep.*'"
                   $<TARGET_FILE:cpu_attention_test>)
  set_tests_properties(cpu_attention_sweep_widened_bf16 PROPERTIES SKIP_RETURN_CODE 77
    ENVIRONMENT "AICERT_PLUGIN_PATH=${AICERT_PLUGIN_OUTPUT_DIR};AICERT_CPU_GEMM_ISA=avx2")
endif()
