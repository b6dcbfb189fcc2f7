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
