# Machine inventory: parsers on fixtures, hwloc on synthetic/XML topologies, and the real machine.
aicert_add_test(probe_test SOURCES probe_test.cpp LIBS aicert_probes)
