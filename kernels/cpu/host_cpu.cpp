// Host CPU identity from /proc/cpuinfo, caches from /sys (sysconf as fallback), features cpuid.
#include "kernels/cpu/host_cpu.h"

#include "kernels/cpu/core_clock.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace aicert::cpu {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Value of the first "key : value" line of /proc/cpuinfo.
std::string cpuinfo_field(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (trim(line.substr(0, colon)) == key) return trim(line.substr(colon + 1));
  }
  return {};
}

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return trim(line);
}

// "32K", "512K", "32768K", "1M" -> bytes; 0 when unparsable.
std::size_t parse_size(const std::string& text) {
  std::size_t value = 0;
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    value = value * 10 + static_cast<std::size_t>(text[i] - '0');
    ++i;
  }
  if (i == 0) return 0;
  if (i < text.size()) {
    if (text[i] == 'K') value <<= 10;
    if (text[i] == 'M') value <<= 20;
    if (text[i] == 'G') value <<= 30;
  }
  return value;
}

std::size_t sysconf_size(int name) {
  const long v = sysconf(name);
  return v > 0 ? static_cast<std::size_t>(v) : 0;
}

}  // namespace

CacheSizes host_cache_sizes() {
  CacheSizes c;
  for (int index = 0; index < 8; ++index) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    const std::string level = read_line(dir + "/level");
    if (level.empty()) break;
    const std::string type = read_line(dir + "/type");
    const std::size_t size = parse_size(read_line(dir + "/size"));
    if (level == "1" && type == "Data") c.l1d = size;
    if (level == "2" && type != "Instruction") c.l2 = size;
    if (level == "3" && type != "Instruction") c.l3 = size;
  }
#ifdef _SC_LEVEL1_DCACHE_SIZE
  if (c.l1d == 0) c.l1d = sysconf_size(_SC_LEVEL1_DCACHE_SIZE);
  if (c.l2 == 0) c.l2 = sysconf_size(_SC_LEVEL2_CACHE_SIZE);
  if (c.l3 == 0) c.l3 = sysconf_size(_SC_LEVEL3_CACHE_SIZE);
#endif
  if (c.l1d == 0) c.l1d = 32u << 10;
  if (c.l2 == 0) c.l2 = 512u << 10;
  if (c.l3 == 0) c.l3 = 8u << 20;
  return c;
}

HostCpu probe_host_cpu() {
  HostCpu h;
  h.model = cpuinfo_field("model name");
  if (h.model.empty()) h.model = cpuinfo_field("Model");  // AArch64 boards
  h.vendor = cpuinfo_field("vendor_id");
  if (h.vendor.empty()) h.vendor = cpuinfo_field("CPU implementer");
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  h.logical_cpus = online > 0 ? static_cast<int>(online) : 1;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) {
    h.memory_bytes = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
  }
  h.caches = host_cache_sizes();
  if (const std::string khz = read_line("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
      !khz.empty() && std::atof(khz.c_str()) > 0) {
    h.nominal_mhz = std::atof(khz.c_str()) / 1000.0;
    h.mhz_source = "cpufreq cpuinfo_max_freq";
  } else if (const double measured = measure_core_mhz(); measured > 0) {
    h.nominal_mhz = measured;
    h.mhz_source = "measured: dependent IMULs";
  } else if (const std::string mhz = cpuinfo_field("cpu MHz"); std::atof(mhz.c_str()) > 0) {
    h.nominal_mhz = std::atof(mhz.c_str());
    h.mhz_source = "/proc/cpuinfo cpu MHz";
  }
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  std::ostringstream flags;
  const char* sep = "";
  auto add = [&](const char* name, bool present) {
    if (!present) return;
    flags << sep << name;
    sep = " ";
  };
  add("sse2", __builtin_cpu_supports("sse2"));
  add("avx", __builtin_cpu_supports("avx"));
  add("fma", __builtin_cpu_supports("fma"));
  add("avx2", __builtin_cpu_supports("avx2"));
  add("avx512f", __builtin_cpu_supports("avx512f"));
  add("avx512bw", __builtin_cpu_supports("avx512bw"));
  h.simd_flags = flags.str();
#endif
  return h;
}

}  // namespace aicert::cpu
