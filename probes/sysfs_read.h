// Small file readers for /proc, /sys and /etc: a missing or unreadable file is a normal
// outcome on a container or a non-root run, so these report it by value, never by exception.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace aicert {

// Whole file, or nullopt when it cannot be opened or read.
std::optional<std::string> read_text_file(const std::filesystem::path& path);

// First line with surrounding whitespace removed; kUnknown when the file is missing,
// unreadable (e.g. root-only DMI serials) or blank.
std::string read_first_line(const std::filesystem::path& path);

std::string_view trim(std::string_view text);

}  // namespace aicert
