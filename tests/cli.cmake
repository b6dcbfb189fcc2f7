# End-to-end tests of the aicert executable, plus the test-only plugins they load.

# A faulty "cpu" backend that the checker must catch, and one built for a wrong API version.
foreach(variant faulty stale crashing)
  add_library(test-plugin-${variant} MODULE test_plugins/faulty_backend.cpp)
  set_target_properties(test-plugin-${variant} PROPERTIES
    PREFIX "" CXX_VISIBILITY_PRESET hidden
    LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests/plugins-${variant})
  target_link_libraries(test-plugin-${variant} PRIVATE aicert_workloads)
endforeach()
set_target_properties(test-plugin-faulty PROPERTIES OUTPUT_NAME aicert-backend-cpu)
target_compile_definitions(test-plugin-faulty PRIVATE
  AICERT_TEST_PLUGIN_API_VERSION=aicert::kPluginApiVersion)
set_target_properties(test-plugin-crashing PROPERTIES OUTPUT_NAME aicert-backend-cpu)
target_compile_definitions(test-plugin-crashing PRIVATE AICERT_TEST_PLUGIN_CRASHES
  AICERT_TEST_PLUGIN_API_VERSION=aicert::kPluginApiVersion)
set_target_properties(test-plugin-stale PROPERTIES OUTPUT_NAME aicert-backend-opencl)
target_compile_definitions(test-plugin-stale PRIVATE AICERT_TEST_PLUGIN_API_VERSION=999)

aicert_add_test(cli_test SOURCES cli_test.cpp LIBS aicert_reports)
add_dependencies(cli_test aicert test-plugin-faulty test-plugin-stale)

# The bash completion and man pages generated from the CLI.
aicert_add_test(shell_integration_test SOURCES shell_integration_test.cpp)
add_dependencies(shell_integration_test aicert aicert_docs)

# aicert run's worker isolation, with the crashing plugin and a CBLAS that faults.
add_library(test-faulting-cblas SHARED test_plugins/faulting_cblas.c)
set_target_properties(test-faulting-cblas PROPERTIES
  LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests/faulting-cblas)
aicert_add_test(run_isolation_test SOURCES run_isolation_test.cpp LIBS aicert_reports)
target_compile_definitions(run_isolation_test PRIVATE
  AICERT_FAULTING_CBLAS="$<TARGET_FILE:test-faulting-cblas>")
add_dependencies(run_isolation_test aicert test-plugin-crashing test-faulting-cblas)

# Limits on input: file sizes, shapes beyond host memory, cases beyond a device's memory.
aicert_add_test(input_limits_test SOURCES input_limits_test.cpp LIBS aicert_reports)
add_dependencies(input_limits_test aicert test-plugin-faulty)

aicert_add_test(harness_test SOURCES job_inventory_test.cpp measurement_test.cpp run_plan_test.cpp
                worker_protocol_test.cpp
                LIBS aicert_harness)
add_dependencies(harness_test aicert)

# aicert certify end to end: profiles, verdicts, crash isolation, journal and resume, bad
# profiles (corpus in data/profiles/bad/); and the judging of thresholds and waivers.
aicert_add_test(certify_test SOURCES certify_test.cpp LIBS aicert_reports)
add_dependencies(certify_test aicert test-plugin-faulty test-plugin-crashing)
aicert_add_test(certification_test SOURCES certification_test.cpp profile_test.cpp journal_test.cpp
  roofline_test.cpp
  LIBS aicert_harness)
