// Operating-system facts: distribution (os-release), kernel and architecture (uname),
// hostname and total memory (/proc/meminfo, falling back to sysconf).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "reports/inventory.h"

namespace aicert {

// PRETTY_NAME of an os-release text (unquoted, shell escapes resolved); falls back to
// "NAME VERSION", then NAME; kUnknown when none is present.
std::string parse_os_release(std::string_view text);

// MemTotal of a /proc/meminfo text in bytes; 0 when absent or malformed.
std::uint64_t parse_meminfo_total_bytes(std::string_view text);

struct OsProbePaths {
  std::filesystem::path os_release = "/etc/os-release";
  std::filesystem::path os_release_fallback = "/usr/lib/os-release";
  std::filesystem::path meminfo = "/proc/meminfo";
};

// Fills hostname, os_release, kernel, architecture and total_memory_bytes.
void probe_os(Inventory& inventory, const OsProbePaths& paths = {});

}  // namespace aicert
