# The cpu backend's in-process collectives (cpu:shm), loaded with dlopen as the harness does.
aicert_add_test(cpu_collective_test
  SOURCES cpu_collective_test.cpp
  LIBS aicert_workloads ${CMAKE_DL_LIBS})
add_dependencies(cpu_collective_test aicert-backend-cpu)

# cpu:stream (memory bandwidth), loaded likewise.
aicert_add_test(cpu_stream_test
  SOURCES cpu_stream_test.cpp
  LIBS aicert_workloads ${CMAKE_DL_LIBS})
add_dependencies(cpu_stream_test aicert-backend-cpu)

# cpu:peak (compute peak loops per ISA), loaded likewise.
aicert_add_test(cpu_peak_test
  SOURCES cpu_peak_test.cpp
  LIBS aicert_workloads ${CMAKE_DL_LIBS})
add_dependencies(cpu_peak_test aicert-backend-cpu)
# The same suite on the narrower fp32 loops (AICERT_CPU_PEAK_ISA; avx2 falls back to the best
# loop on a CPU without AVX2).
foreach(isa avx2 generic)
  add_test(NAME cpu_peak_fp32_${isa}
           COMMAND cpu_peak_test --gtest_filter=CpuPeak.EveryLoopThisCpuHas*)
  set_tests_properties(cpu_peak_fp32_${isa} PROPERTIES
    ENVIRONMENT "AICERT_CPU_PEAK_ISA=${isa};AICERT_PLUGIN_PATH=${AICERT_PLUGIN_OUTPUT_DIR}")
endforeach()
