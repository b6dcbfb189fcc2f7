// OS probe: os-release parsing follows os-release(5) — KEY=VALUE lines, values optionally
// quoted with shell-style escapes — and memory comes from /proc/meminfo's MemTotal.
#include "probes/os_probe.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <charconv>
#include <limits>
#include <map>

#include "probes/sysfs_read.h"

namespace aicert {
namespace {

std::string unquote_os_release_value(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    const char quote = value.front();
    value = value.substr(1, value.size() - 2);
    if (quote == '\'') return std::string(value);  // single quotes: no escapes
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '\\' && i + 1 < value.size()) ++i;
      out += value[i];
    }
    return out;
  }
  return std::string(value);
}

std::map<std::string, std::string, std::less<>> parse_key_values(std::string_view text) {
  std::map<std::string, std::string, std::less<>> values;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    values[std::string(trim(line.substr(0, eq)))] =
        unquote_os_release_value(trim(line.substr(eq + 1)));
  }
  return values;
}

}  // namespace

std::string parse_os_release(std::string_view text) {
  const auto values = parse_key_values(text);
  const auto get = [&](std::string_view key) -> std::string {
    const auto it = values.find(key);
    return it == values.end() ? std::string() : std::string(trim(it->second));
  };
  if (auto pretty = get("PRETTY_NAME"); !pretty.empty()) return pretty;
  auto name = get("NAME");
  if (name.empty()) return kUnknown;
  if (auto version = get("VERSION"); !version.empty()) name += " " + version;
  return name;
}

std::uint64_t parse_meminfo_total_bytes(std::string_view text) {
  constexpr std::string_view kKey = "MemTotal:";
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? end : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    if (!line.starts_with(kKey)) continue;
    std::string_view rest = trim(line.substr(kKey.size()));
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc() || ptr == rest.data()) return 0;
    const std::string_view unit = trim(std::string_view(ptr, rest.data() + rest.size() - ptr));
    std::uint64_t scale = 1;
    if (unit == "kB" || unit == "KB" || unit == "kiB") {
      scale = 1024;
    } else if (!unit.empty()) {
      return 0;  // unknown unit: refuse to guess
    }
    if (value > std::numeric_limits<std::uint64_t>::max() / scale) return 0;
    return value * scale;
  }
  return 0;
}

void probe_os(Inventory& inventory, const OsProbePaths& paths) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') inventory.hostname = host;

  auto os_release = read_text_file(paths.os_release);
  if (!os_release) os_release = read_text_file(paths.os_release_fallback);
  if (os_release) inventory.os_release = parse_os_release(*os_release);

  utsname uts{};
  if (uname(&uts) == 0) {
    if (uts.release[0] != '\0') inventory.kernel = uts.release;
    if (uts.machine[0] != '\0') inventory.architecture = uts.machine;
  }

  if (const auto meminfo = read_text_file(paths.meminfo)) {
    inventory.total_memory_bytes = parse_meminfo_total_bytes(*meminfo);
  }
  if (inventory.total_memory_bytes == 0) {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page_size = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page_size > 0) {
      inventory.total_memory_bytes =
          static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
    }
  }
}

}  // namespace aicert
