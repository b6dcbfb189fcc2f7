// The reference folder of one run's workers; see shared_reference_folder.h.
#include "harness/shared_reference_folder.h"

#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

namespace aicert {

namespace {
bool user_named_one() {
  const char* given = std::getenv("AICERT_REFERENCE_CACHE_DIR");
  return given != nullptr && *given != '\0';
}
}  // namespace

SharedReferenceFolder::SharedReferenceFolder(const std::string& folder) {
  if (user_named_one()) return;
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (!std::filesystem::is_directory(folder)) return;  // only costs time: workers share nothing
  adopt(folder);
}

SharedReferenceFolder SharedReferenceFolder::fresh_beside(const std::string& report) {
  SharedReferenceFolder f;
  if (user_named_one()) return f;
  std::string pattern = report + ".references.XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) != nullptr) f.adopt(name.data());
  return f;
}

void SharedReferenceFolder::adopt(const std::string& path) {
  path_ = path;
  ::setenv("AICERT_REFERENCE_CACHE_DIR", path_.c_str(), 1);
}

SharedReferenceFolder::SharedReferenceFolder(SharedReferenceFolder&& other) noexcept
    : path_(std::exchange(other.path_, std::string())) {}

SharedReferenceFolder::~SharedReferenceFolder() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  ::unsetenv("AICERT_REFERENCE_CACHE_DIR");
}

}  // namespace aicert
