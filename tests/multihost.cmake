# Multi-host on one machine (multihost_test.cpp): three network-namespace hosts from
# tests/cluster/netns_cluster.sh, mpirun across them. Root only (skips elsewhere). Serial: the
# link-speed test compares links measured while nothing else runs, and every test uses the
# same cluster prefix. The cleanup test removes a cluster a killed test left behind.
find_package(MPI COMPONENTS C QUIET)
if(TARGET aicert-backend-mpi AND MPIEXEC_EXECUTABLE)
  add_executable(multihost_test multihost_test.cpp)
  target_link_libraries(multihost_test PRIVATE aicert_reports GTest::gtest_main)
  target_compile_definitions(multihost_test PRIVATE
    AICERT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    AICERT_BINARY_DIR="${PROJECT_BINARY_DIR}"
    AICERT_PLUGIN_DIR="${AICERT_PLUGIN_OUTPUT_DIR}"
    AICERT_MPIEXEC="${MPIEXEC_EXECUTABLE}")
  set_target_properties(multihost_test PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  add_dependencies(multihost_test aicert aicert-backend-mpi)
  gtest_discover_tests(multihost_test DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "AICERT_PLUGIN_PATH=${AICERT_PLUGIN_OUTPUT_DIR}"
               RUN_SERIAL TRUE TIMEOUT 180 LABELS multihost
               FIXTURES_REQUIRED netns_cluster)
  add_test(NAME multihost_cluster_cleanup
    COMMAND sh -c "[ \"$(id -u)\" != 0 ] || ${PROJECT_SOURCE_DIR}/tests/cluster/netns_cluster.sh down aicmt /tmp/aicert-multihost-cluster")
  set_tests_properties(multihost_cluster_cleanup PROPERTIES FIXTURES_CLEANUP netns_cluster
                       LABELS multihost)
endif()
