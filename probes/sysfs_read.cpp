// Readers for pseudo-files: sysfs files report size 4096 and procfs 0, so read until EOF
// rather than trusting the size.
#include "probes/sysfs_read.h"

#include <fstream>
#include <iterator>
#include <system_error>

#include "reports/inventory.h"

namespace aicert {

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;  // e.g. EACCES/EIO on read of a root-only attribute
  return text;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

std::string read_first_line(const std::filesystem::path& path) {
  const auto text = read_text_file(path);
  if (!text) return kUnknown;
  std::string_view view(*text);
  view = view.substr(0, view.find('\n'));
  view = trim(view);
  if (view.empty()) return kUnknown;
  return std::string(view);
}

}  // namespace aicert
