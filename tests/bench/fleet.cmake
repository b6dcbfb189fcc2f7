# aicert fleet over 1000 reports against reading them, same binary.
aicert_add_benchmark(fleet_bench SOURCES fleet_bench.cpp LIBS aicert_reports)
