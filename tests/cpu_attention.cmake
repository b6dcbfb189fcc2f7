# The cpu backend's attention (cpu:flash), plugin loaded with dlopen, against the fp64 reference.
aicert_add_test(cpu_attention_test
  SOURCES cpu_attention_test.cpp
  LIBS aicert_workloads ${CMAKE_DL_LIBS})
add_dependencies(cpu_attention_test aicert-backend-cpu)
