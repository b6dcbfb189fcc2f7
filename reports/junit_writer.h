// JUnit XML for CI systems: one <testcase> per case, classname = workload.backend, name = the
// case id; fail -> <failure>, crash/timeout/error -> <error>, skip/not-supported -> <skipped>,
// each message carrying the metric against its limit.
#pragma once

#include <string>
#include <vector>

#include "reports/report.h"

namespace aicert {

// A test case of a JUnit file in the making (also used by `aicert compare`).
struct JunitCase {
  std::string classname, name;
  double seconds = 0;
  enum class Kind { passed, failure, error, skipped } kind = Kind::passed;
  std::string message, detail;
};

void write_junit_xml(const std::string& suite_name, const std::vector<JunitCase>& cases,
                     const std::string& path);

// The JUnit cases of a report's case results.
std::vector<JunitCase> junit_cases(const Report& report);

}  // namespace aicert
