// The NVIDIA kernel driver's version from /proc; see nvidia_driver_version.h.
#include "kernels/cuda/nvidia_driver_version.h"

#include <fstream>
#include <sstream>

namespace aicert::cuda {

std::string parse_nvidia_driver_version(std::string_view proc_text) {
  const std::string_view marker = "Kernel Module";
  const auto at = proc_text.find(marker);
  if (at == std::string_view::npos) return "";
  // The first word of that line after the marker that reads as a version: the proprietary
  // module's line has it right after ("Kernel Module  580.159.04"), the open one's a little
  // later ("Open Kernel Module for x86_64  575.51.03").
  const std::string_view rest = proc_text.substr(at + marker.size());
  std::istringstream words{std::string(rest.substr(0, rest.find('\n')))};
  for (std::string word; words >> word;) {
    if (word.find('.') != std::string::npos && word.front() != '.' &&
        word.find_first_not_of("0123456789.") == std::string::npos) {
      return word;
    }
  }
  return "";
}

std::string nvidia_driver_version() {
  std::ifstream in("/proc/driver/nvidia/version");
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return parse_nvidia_driver_version(text.str());
}

}  // namespace aicert::cuda
