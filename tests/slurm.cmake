# Slurm: the scheduler's job in the report (scheduler_job_test.cpp, everywhere).
aicert_add_test(scheduler_job_test SOURCES scheduler_job_test.cpp LIBS aicert_harness)

# `srun` end to end on a private Slurm cluster of this machine (slurm_test.cpp, root only: the
# daemons run as root). Serial: one cluster folder and port pair; the cleanup test removes a
# cluster a killed test left behind.
find_package(MPI COMPONENTS C QUIET)
if(TARGET aicert-backend-mpi AND MPIEXEC_EXECUTABLE)
  add_executable(slurm_test slurm_test.cpp)
  target_link_libraries(slurm_test PRIVATE aicert_reports GTest::gtest_main)
  target_compile_definitions(slurm_test PRIVATE
    AICERT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    AICERT_BINARY_DIR="${PROJECT_BINARY_DIR}"
    AICERT_PLUGIN_DIR="${AICERT_PLUGIN_OUTPUT_DIR}"
    AICERT_MPIEXEC="${MPIEXEC_EXECUTABLE}")
  set_target_properties(slurm_test PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  add_dependencies(slurm_test aicert aicert-backend-mpi)
  gtest_discover_tests(slurm_test DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "AICERT_PLUGIN_PATH=${AICERT_PLUGIN_OUTPUT_DIR}"
               RUN_SERIAL TRUE TIMEOUT 180 LABELS slurm FIXTURES_REQUIRED slurm_cluster)
  add_test(NAME slurm_cluster_cleanup
    COMMAND sh -c "[ \"$(id -u)\" != 0 ] || [ ! -d /tmp/aicert-slurm-cluster ] || ${PROJECT_SOURCE_DIR}/tests/slurm/slurm_cluster.sh down /tmp/aicert-slurm-cluster")
  set_tests_properties(slurm_cluster_cleanup PROPERTIES FIXTURES_CLEANUP slurm_cluster
                       LABELS slurm)
endif()
