// Checks, before any work starts, that an output file can be written where the user asked.
#pragma once

#include <string>

namespace aicert {

// Throws UsageError when the folder of `path` does not exist or is not writable, or `path`
// is a folder. Hours of measurement must not be lost to a typo in --out.
void check_output_path(const std::string& path);

}  // namespace aicert
