// Host summary from /proc/cpuinfo, sysconf and uname; see host_summary.h.
#include "kernels/mpi/host_summary.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace aicert::mpi {

std::string host_summary() {
  std::string model = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  const double gib = static_cast<double>(sysconf(_SC_PHYS_PAGES)) *
                     static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024 * 1024);
  utsname u{};
  uname(&u);
  char text[512];
  std::snprintf(text, sizeof text, "%s, %ld logical CPUs, %.1f GiB, %s %s", model.c_str(), cpus,
                gib, u.sysname, u.release);
  return text;
}

}  // namespace aicert::mpi
