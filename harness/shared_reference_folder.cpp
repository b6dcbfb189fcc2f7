// The reference folder of one run's workers; see shared_reference_folder.h.
#include "harness/shared_reference_folder.h"

#include <cstdlib>
#include <filesystem>

namespace aicert {

SharedReferenceFolder::SharedReferenceFolder(const std::string& folder) {
  if (const char* given = std::getenv("AICERT_REFERENCE_CACHE_DIR"); given && *given) return;
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (!std::filesystem::is_directory(folder)) return;  // only costs time: workers share nothing
  path_ = folder;
  ::setenv("AICERT_REFERENCE_CACHE_DIR", path_.c_str(), 1);
}

SharedReferenceFolder::~SharedReferenceFolder() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  ::unsetenv("AICERT_REFERENCE_CACHE_DIR");
}

}  // namespace aicert
