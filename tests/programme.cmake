# Certification programmes: the ledger and the matrix on their own (programme_test), and
# `aicert programme` end to end on real signed reports of this machine (programme_cli_test).
aicert_add_test(programme_test SOURCES programme_test.cpp LIBS aicert_reports)
aicert_add_test(programme_cli_test SOURCES programme_cli_test.cpp LIBS aicert_reports)
add_dependencies(programme_cli_test aicert)
