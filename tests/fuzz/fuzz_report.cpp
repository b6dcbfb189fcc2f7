// Fuzz target: the report reader, and what runs on a report it accepted: the digest and
// signature check (aicert verify), compare against itself, the HTML view, and the way back: an
// accepted report must write out and read back again (write_report_xml, then read_report_xml).
#include "reports/html_report.h"
#include "reports/report_compare.h"
#include "reports/report_integrity.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aicert;
  const fuzz::MemoryFile input(data, size);
  Report report;
  if (!fuzz::accepted(input.path(), [&] { report = read_report_xml(input.path()); })) return 0;

  fuzz::accepted(input.path(), [&] { (void)verify_report_file(input.path(), ""); });
  (void)compare_reports(report, report, 5.0);
  (void)report_html(report);

  const std::string rewritten = (fuzz::scratch_folder() / "report.xml").string();
  write_report_xml(report, rewritten);
  try {
    (void)read_report_xml(rewritten);
  } catch (const ReportParseError& e) {
    fuzz::contract_broken(std::string("an accepted report does not read back: ") + e.what());
  }
  return 0;
}
