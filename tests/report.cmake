# Report XML: writer, reader and XSD (tests/report_test.cpp; fixtures in tests/data/reports/).
aicert_add_test(report_test
  SOURCES report_test.cpp
  LIBS aicert_reports PkgConfig::HWLOC)
