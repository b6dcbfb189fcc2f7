# OpenCL backend suites; they skip (GTEST_SKIP) on a machine without an OpenCL platform.
# Every executable carries opencl_lsan_suppressions.cpp (PoCL/LLVM keep compiler state to exit).
if(TARGET aicert-backend-opencl)
  # The plugin as the harness loads it.
  aicert_add_test(opencl_plugin_test
    SOURCES opencl_plugin_test.cpp opencl_lsan_suppressions.cpp
    LIBS aicert_workloads ${CMAKE_DL_LIBS})
  add_dependencies(opencl_plugin_test aicert-backend-opencl)
  if(TARGET PkgConfig::CLBLAST)
    target_compile_definitions(opencl_plugin_test PRIVATE AICERT_TEST_EXPECT_CLBLAST)
  endif()

  # opencl:flash (attention) through the plugin.
  aicert_add_test(opencl_attention_test
    SOURCES opencl_attention_test.cpp opencl_lsan_suppressions.cpp
    LIBS aicert_workloads ${CMAKE_DL_LIBS})
  add_dependencies(opencl_attention_test aicert-backend-opencl)

  # Internals linked directly (program cache, support decisions, tilings, fp16 path).
  aicert_add_test(opencl_internal_test
    SOURCES opencl_internal_test.cpp opencl_lsan_suppressions.cpp
    LIBS aicert_opencl_core ${CMAKE_DL_LIBS})

  # opencl:stream (memory bandwidth) linked directly: every op, exact, guards, injected error.
  aicert_add_test(opencl_stream_test
    SOURCES opencl_stream_test.cpp opencl_lsan_suppressions.cpp
    LIBS aicert_opencl_core ${CMAKE_DL_LIBS})

  # Process-wide environment set before the first OpenCL call: own executables.
  aicert_add_test(opencl_no_platform_test
    SOURCES opencl_no_platform_test.cpp opencl_lsan_suppressions.cpp
    LIBS aicert_workloads ${CMAKE_DL_LIBS})
  add_dependencies(opencl_no_platform_test aicert-backend-opencl)
  aicert_add_test(opencl_two_devices_test
    SOURCES opencl_two_devices_test.cpp opencl_lsan_suppressions.cpp
    LIBS aicert_workloads ${CMAKE_DL_LIBS})
  add_dependencies(opencl_two_devices_test aicert-backend-opencl)
endif()
