# The cpu backend plugin, loaded with dlopen as the harness loads it, checked on awkward GEMMs.
aicert_add_test(cpu_gemm_test
  SOURCES cpu_gemm_test.cpp
  LIBS aicert_workloads ${CMAKE_DL_LIBS})
add_dependencies(cpu_gemm_test aicert-backend-cpu)
