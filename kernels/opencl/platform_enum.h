// Every device of every OpenCL platform the ICD loader knows, numbered globally in platform
// order, with the reason when there is none.
#pragma once

#include <CL/cl.h>

#include <string>
#include <vector>

#include "kernels/opencl/device_caps.h"

namespace aicert::opencl {

struct ClDevice {
  int index = 0;  // global over all platforms
  cl_platform_id platform = nullptr;
  cl_device_id id = nullptr;
  DeviceCaps caps;
  std::string label;  // "opencl device 0 'pthread-haswell-AMD EPYC' (Portable Computing ...)"
};

struct Enumeration {
  std::vector<ClDevice> devices;
  std::vector<std::string> platforms;  // "<name> <version>" per platform
  std::string icd_loader;              // "OCL Icd free software OpenCL ICD Loader 2.3.1"
  std::vector<std::string> skipped;    // devices or platforms whose queries failed, with why
  std::string unavailable_reason;      // set when devices is empty
};

Enumeration enumerate_devices();

}  // namespace aicert::opencl
