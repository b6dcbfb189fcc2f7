// Writing a file so that readers see either the old content or the complete new one.
#pragma once

#include <string>
#include <string_view>

namespace aicert {

// Writes `content` to a temporary file in the folder of `path`, flushes it to disk, renames
// it over `path` and flushes the folder. On any failure the temporary file is removed, an existing file at `path` is
// left as it was, and std::runtime_error says which path failed, at which step and why.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace aicert
