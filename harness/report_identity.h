// Identity of a new report: a random id, the UTC time, the build that wrote it.
#pragma once

#include <string>

#include "reports/report.h"

namespace aicert {

std::string new_report_id();       // RFC 4122 version-4 UUID from OpenSSL's RNG
std::string utc_now_iso8601();     // "2026-11-22T07:30:00Z"
// A report with schema version, id, time, tool version and git revision filled in.
Report new_report(const std::string& command_line);

}  // namespace aicert
