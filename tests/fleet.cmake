# aicert fleet: the analysis on synthetic fleets (fleet_test) and the command end to end on
# fleets built from a real report (fleet_cli_test).
aicert_add_test(fleet_test SOURCES fleet_test.cpp LIBS aicert_reports)
aicert_add_test(fleet_cli_test SOURCES fleet_cli_test.cpp LIBS aicert_reports)
add_dependencies(fleet_cli_test aicert)
