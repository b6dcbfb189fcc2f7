# cpu:shm all-reduce (the plugin, loaded with dlopen) against MPI_Allreduce and memcpy, same run.
find_package(MPI COMPONENTS C)
if(MPI_C_FOUND)
  aicert_add_benchmark(cpu_collective_bench
    SOURCES cpu_collective_bench.cpp
    LIBS aicert_workloads MPI::MPI_C Threads::Threads ${CMAKE_DL_LIBS})
  target_compile_definitions(cpu_collective_bench PRIVATE
    AICERT_PLUGIN_DIR="${AICERT_PLUGIN_OUTPUT_DIR}"
    OMPI_SKIP_MPICXX=1 MPICH_SKIP_MPICXX=1)  # the C API only, from C++
  add_dependencies(cpu_collective_bench aicert-backend-cpu)
else()
  message(STATUS "aicert: MPI not found, cpu_collective_bench not built")
endif()
