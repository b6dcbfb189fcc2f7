// What one OpenCL device is and can do, read once with clGetDeviceInfo. The GEMM code decides
// from this struct alone (tile sizes, fp16 support), so tests can feed it made-up devices.
#pragma once

#include <CL/cl.h>

#include <cstdint>
#include <set>
#include <string>

#include "kernels/backend_api.h"

namespace aicert::opencl {

struct DeviceCaps {
  std::string name;
  std::string vendor;
  std::string platform_name;
  std::string platform_vendor;
  std::string platform_version;
  std::string device_version;    // "OpenCL 3.0 ..."
  std::string opencl_c_version;  // "OpenCL C 1.2 ..."
  std::string driver_version;
  cl_device_type type = CL_DEVICE_TYPE_DEFAULT;
  bool available = true;           // CL_DEVICE_AVAILABLE
  bool compiler_available = true;  // CL_DEVICE_COMPILER_AVAILABLE: can build OpenCL C source
  std::uint32_t compute_units = 0;
  std::uint32_t max_clock_mhz = 0;
  std::uint64_t global_mem_bytes = 0;
  std::uint64_t max_alloc_bytes = 0;
  std::uint64_t local_mem_bytes = 0;
  bool local_mem_dedicated = false;  // CL_LOCAL vs CL_GLOBAL (emulated in global memory)
  std::uint64_t global_cache_bytes = 0;
  std::size_t max_work_group_size = 0;
  std::size_t max_work_item_sizes[3] = {0, 0, 0};
  std::uint32_t mem_base_addr_align_bits = 0;  // sub-buffer origins must be multiples of this
  std::uint32_t preferred_vector_width_float = 0;
  bool profiling_timer = false;  // queue property CL_QUEUE_PROFILING_ENABLE supported
  std::set<std::string> extensions;
  std::string pci_bus_id;         // "dddd:bb:dd.f", empty when the device does not say
  std::string pci_bus_id_source;  // which query gave it ("cl_khr_pci_bus_info", ...)

  bool has_extension(const std::string& ext) const { return extensions.count(ext) != 0; }
  bool has_fp16() const { return has_extension("cl_khr_fp16"); }
  bool has_fp64() const { return has_extension("cl_khr_fp64"); }
  bool has_subgroups() const {
    return has_extension("cl_khr_subgroups") || has_extension("cl_intel_subgroups");
  }
  bool is_cpu() const { return (type & CL_DEVICE_TYPE_CPU) != 0; }
  bool is_gpu() const { return (type & CL_DEVICE_TYPE_GPU) != 0; }
};

// Reads every field of DeviceCaps; `where` names the device in error messages.
DeviceCaps query_device_caps(cl_platform_id platform, cl_device_id device,
                             const std::string& where);

// "cpu", "gpu", "accelerator", "custom".
std::string device_kind(cl_device_type type);

// The DeviceInfo the harness reports for a device with global index `index`.
DeviceInfo to_device_info(const DeviceCaps& caps, int index);

}  // namespace aicert::opencl
