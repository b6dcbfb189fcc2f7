# Report XML: writer, reader and XSD (tests/report_test.cpp; fixtures in tests/data/reports/).
aicert_add_test(report_test
  SOURCES report_test.cpp
  LIBS aicert_reports PkgConfig::HWLOC)

# Digest and Ed25519 signature of reports (tests/integrity_test.cpp).
aicert_add_test(integrity_test SOURCES integrity_test.cpp LIBS aicert_reports OpenSSL::Crypto)

# aicert compare on synthetic pairs, the HTML views' escaping, and the HTML in a real browser.
aicert_add_test(compare_test SOURCES compare_test.cpp LIBS aicert_reports)
aicert_add_test(html_browser_test SOURCES html_browser_test.cpp LIBS aicert_reports)

# The fleet page (reports/fleet_html.cpp) on analyses built by hand, and the comparison page's
# device columns across hardware.
aicert_add_test(fleet_html_test SOURCES fleet_html_test.cpp LIBS aicert_reports)

# A point-to-point sweep's slow links and ranks (reports/link_finding.cpp), and <links> in XML.
aicert_add_test(link_finding_test SOURCES link_finding_test.cpp LIBS aicert_reports)
