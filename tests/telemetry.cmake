# Telemetry: the CPU source on fake sysfs/procfs trees, summaries, the sampler, and the report.
aicert_add_test(telemetry_test SOURCES telemetry_test.cpp LIBS aicert_harness)
add_dependencies(telemetry_test aicert aicert-backend-cpu)

# Stand-ins for libnvidia-ml.so.1 (NVML 12.2+ and an older one), loaded by the NVML source.
add_library(fake-nvml SHARED fake_nvml.cpp)
add_library(fake-nvml-old SHARED fake_nvml.cpp)
target_compile_definitions(fake-nvml-old PRIVATE FAKE_NVML_BEFORE_12_2)
add_dependencies(telemetry_test fake-nvml fake-nvml-old)
target_compile_definitions(telemetry_test PRIVATE
  FAKE_NVML="$<TARGET_FILE:fake-nvml>" FAKE_NVML_OLD="$<TARGET_FILE:fake-nvml-old>")
target_link_libraries(telemetry_test PRIVATE ${CMAKE_DL_LIBS})
