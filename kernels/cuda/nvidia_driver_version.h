// The NVIDIA kernel driver's version ("580.159.04"), which the CUDA runtime does not give (it
// reports the CUDA API level of the driver, "13.0"): read from /proc/driver/nvidia/version.
#pragma once

#include <string>
#include <string_view>

namespace aicert::cuda {

// The version in the text of /proc/driver/nvidia/version ("NVRM version: NVIDIA UNIX x86_64
// Kernel Module  580.159.04  Thu ..."), or "" when the text has none.
std::string parse_nvidia_driver_version(std::string_view proc_text);

// parse_nvidia_driver_version() of the file, or "" when it cannot be read (no NVIDIA driver, a
// container without /proc/driver).
std::string nvidia_driver_version();

}  // namespace aicert::cuda
