// Validates a report file against the report schema (reports/schema/aicert-report-1.xsd) with
// libxml2, the schema compiled into the binary: what a programme checks before it accepts a
// submission, without depending on where (or whether) the schema file is installed.
#pragma once

#include <string>

namespace aicert {

// "" when `path` validates; else "path:line: what the schema says is wrong" for the first error.
std::string report_schema_errors(const std::string& path);

}  // namespace aicert
