# `mpirun -np 2 aicert run --backend mpi` on loopback: one report from rank 0, and a hung rank
# reported within the timeout. Open MPI's run-as-root and oversubscribe switches are set by the
# test for its own mpirun only.
find_package(MPI COMPONENTS C QUIET)
if(TARGET aicert-backend-mpi AND MPIEXEC_EXECUTABLE)
  aicert_add_test(mpi_run_test SOURCES mpi_run_test.cpp LIBS aicert_reports)
  target_compile_definitions(mpi_run_test PRIVATE AICERT_MPIEXEC="${MPIEXEC_EXECUTABLE}")
  add_dependencies(mpi_run_test aicert aicert-backend-mpi)
endif()
