// Reading and writing the report XML (the record of truth) with pugixml.
// The schema is reports/schema/aicert-report-1.xsd; every written file validates against it.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "reports/report.h"

namespace aicert {

// A report or inventory file that cannot be read: what() is "file:line: what is wrong".
class ReportParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes the whole report atomically (temporary file in the same folder, then rename), so an
// existing file at `path` is never left half-written. Throws std::runtime_error on I/O errors.
void write_report_xml(const Report& report, const std::string& path);

// Writes a document whose root is the <inventory> element of the report schema.
void write_inventory_xml(const Inventory& inventory, const std::string& path);

// An inventory as one XML text (what an MPI rank sends rank 0) and back; errors name `where`.
std::string inventory_to_xml(const Inventory& inventory);
Inventory inventory_from_xml(std::string_view text, const std::string& where);

// One case as one line of XML (no line break inside): a record of the certify journal and of
// the worker protocol. case_result_from_line() reads it back; errors name `where`:`line`.
std::string case_result_to_line(const CaseResult& c);
CaseResult case_result_from_line(std::string_view text, const std::string& where, int line);

// The largest report (and journal) file read, 512 MiB: some 20 000 cases of 1000 samples each.
// A bigger file is refused before it is parsed (its DOM would take gigabytes).
inline constexpr std::size_t kMaxReportBytes = std::size_t{512} << 20;

// Loads a report written by write_report_xml back into the model. Throws ReportParseError,
// also for a file larger than kMaxReportBytes.
Report read_report_xml(const std::string& path);

}  // namespace aicert
