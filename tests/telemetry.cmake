# Telemetry: the CPU source on fake sysfs/procfs trees, summaries, the sampler, and the report.
aicert_add_test(telemetry_test SOURCES telemetry_test.cpp LIBS aicert_probes aicert_reports)
add_dependencies(telemetry_test aicert aicert-backend-cpu)
