// Early validation of output paths.
#include "harness/output_path.h"

#include <unistd.h>

#include <filesystem>

#include "harness/exit_codes.h"

namespace aicert {

void check_output_path(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec)) throw UsageError{path + ": is a folder, expected a file name"};
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) {
    throw UsageError{path + ": folder " + dir.string() + " does not exist"};
  }
  if (access(dir.c_str(), W_OK) != 0) {
    throw UsageError{path + ": folder " + dir.string() + " is not writable"};
  }
}

}  // namespace aicert
