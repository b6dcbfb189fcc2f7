# `mpirun -np 2 aicert run --backend mpi` on loopback: one report from rank 0, and a hung rank
# reported within the timeout; under Open MPI's launcher and, when the MPICH build of the plugin
# exists, under MPICH's. Open MPI's run-as-root and oversubscribe switches are set by the test
# for its own mpirun only.
find_package(MPI COMPONENTS C QUIET)
if(TARGET aicert-backend-mpi AND MPIEXEC_EXECUTABLE)
  aicert_add_test(mpi_run_test SOURCES mpi_run_test.cpp LIBS aicert_reports)
  target_compile_definitions(mpi_run_test PRIVATE AICERT_MPIEXEC="${MPIEXEC_EXECUTABLE}")
  add_dependencies(mpi_run_test aicert aicert-backend-mpi)
  get_property(mpich_plugin_dir GLOBAL PROPERTY AICERT_MPICH_PLUGIN_DIR)
  find_program(AICERT_MPIEXEC_MPICH NAMES mpiexec.mpich mpiexec.hydra)
  if(mpich_plugin_dir AND AICERT_MPIEXEC_MPICH)
    target_compile_definitions(mpi_run_test PRIVATE
      AICERT_MPIEXEC_MPICH="${AICERT_MPIEXEC_MPICH}" AICERT_MPICH_PLUGIN_DIR="${mpich_plugin_dir}")
    add_dependencies(mpi_run_test aicert-backend-mpi-mpich)
  endif()
endif()

# libaicert-mpi-bootstrap.so's C ABI under `mpirun -np 2` (no GPU): a 128-byte id broadcast from
# rank 0, allgatherv, max, barrier; alone and beside the mpi backend plugin. The probe is one rank.
if(TARGET aicert-mpi-bootstrap AND TARGET aicert-backend-mpi AND MPIEXEC_EXECUTABLE)
  add_executable(mpi_bootstrap_probe mpi_bootstrap_probe.cpp)
  target_link_libraries(mpi_bootstrap_probe PRIVATE aicert_workloads aicert_mpi_bootstrap_loader)
  target_compile_definitions(mpi_bootstrap_probe PRIVATE AICERT_PLUGIN_DIR="${AICERT_PLUGIN_OUTPUT_DIR}")
  set_target_properties(mpi_bootstrap_probe PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  aicert_add_test(mpi_bootstrap_test SOURCES mpi_bootstrap_test.cpp LIBS aicert_reports)
  target_compile_definitions(mpi_bootstrap_test PRIVATE AICERT_MPIEXEC="${MPIEXEC_EXECUTABLE}")
  add_dependencies(mpi_bootstrap_test mpi_bootstrap_probe aicert-mpi-bootstrap aicert-backend-mpi)
endif()
