// Process exit codes of every aicert command (DESIGN.md "Command line").
#pragma once

#include <string>

namespace aicert {

enum ExitCode : int {
  kExitOk = 0,          // certified / every case passed / no regression
  kExitFailed = 1,      // a verdict failed, or a regression
  kExitBadInput = 2,    // bad usage or bad input (message names file, line, what is wrong)
  kExitInternal = 3,    // an internal error
};

// Thrown for bad usage or bad input; main() prints what() and exits with kExitBadInput.
struct UsageError {
  std::string message;
};

}  // namespace aicert
