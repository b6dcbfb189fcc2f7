// Device queries: limits, extensions, versions and the PCI address through whichever of
// cl_khr_pci_bus_info, the NVIDIA or the AMD attribute query the driver offers.
#include "kernels/opencl/device_caps.h"

#include <CL/cl_ext.h>

#include <cstdio>
#include <sstream>
#include <vector>

#include "kernels/opencl/cl_error.h"

namespace aicert::opencl {

namespace {

// cl_nv_device_attribute_query; not in the Khronos headers.
constexpr cl_device_info kNvPciBusId = 0x4008;
constexpr cl_device_info kNvPciSlotId = 0x4009;
constexpr cl_device_info kNvPciDomainId = 0x400A;

std::string device_string(cl_device_id d, cl_device_info what, const std::string& where) {
  std::size_t size = 0;
  AICERT_CL(where, clGetDeviceInfo, d, what, 0, nullptr, &size);
  std::string s(size, '\0');
  AICERT_CL(where, clGetDeviceInfo, d, what, size, s.data(), nullptr);
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string platform_string(cl_platform_id p, cl_platform_info what, const std::string& where) {
  std::size_t size = 0;
  AICERT_CL(where, clGetPlatformInfo, p, what, 0, nullptr, &size);
  std::string s(size, '\0');
  AICERT_CL(where, clGetPlatformInfo, p, what, size, s.data(), nullptr);
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
  return s;
}

template <class T>
T device_value(cl_device_id d, cl_device_info what, const std::string& where) {
  T value{};
  AICERT_CL(where, clGetDeviceInfo, d, what, sizeof(T), &value, nullptr);
  return value;
}

// Optional queries of vendor extensions: a driver that advertises one but fails it only
// loses the PCI address, so failures return false instead of throwing.
template <class T>
bool try_device_value(cl_device_id d, cl_device_info what, T* value) {
  return clGetDeviceInfo(d, what, sizeof(T), value, nullptr) == CL_SUCCESS;
}

std::string format_pci(unsigned domain, unsigned bus, unsigned dev, unsigned fn) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", domain & 0xffffu, bus & 0xffu, dev & 0x1fu,
                fn & 0x7u);
  return buf;
}

void query_pci_bus_id(cl_device_id d, DeviceCaps& caps) {
  if (caps.has_extension("cl_khr_pci_bus_info")) {
    cl_device_pci_bus_info_khr info{};
    if (try_device_value(d, CL_DEVICE_PCI_BUS_INFO_KHR, &info)) {
      caps.pci_bus_id =
          format_pci(info.pci_domain, info.pci_bus, info.pci_device, info.pci_function);
      caps.pci_bus_id_source = "cl_khr_pci_bus_info";
      return;
    }
  }
  if (caps.has_extension("cl_nv_device_attribute_query")) {
    cl_uint bus = 0, slot = 0, domain = 0;
    if (try_device_value(d, kNvPciBusId, &bus) && try_device_value(d, kNvPciSlotId, &slot)) {
      try_device_value(d, kNvPciDomainId, &domain);  // older drivers lack it: domain 0
      caps.pci_bus_id = format_pci(domain, bus, slot >> 3, slot & 7u);
      caps.pci_bus_id_source = "cl_nv_device_attribute_query";
      return;
    }
  }
  if (caps.has_extension("cl_amd_device_attribute_query")) {
    cl_device_topology_amd topo{};
    if (try_device_value(d, CL_DEVICE_TOPOLOGY_AMD, &topo) &&
        topo.raw.type == CL_DEVICE_TOPOLOGY_TYPE_PCIE_AMD) {
      // The AMD topology has no PCI domain; AMD's own tools assume 0.
      caps.pci_bus_id = format_pci(0, static_cast<unsigned char>(topo.pcie.bus),
                                   static_cast<unsigned char>(topo.pcie.device),
                                   static_cast<unsigned char>(topo.pcie.function));
      caps.pci_bus_id_source = "cl_amd_device_attribute_query";
    }
  }
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace

std::string device_kind(cl_device_type type) {
  if (type & CL_DEVICE_TYPE_GPU) return "gpu";
  if (type & CL_DEVICE_TYPE_ACCELERATOR) return "accelerator";
  if (type & CL_DEVICE_TYPE_CPU) return "cpu";
  return "custom";
}

DeviceCaps query_device_caps(cl_platform_id platform, cl_device_id d, const std::string& where) {
  DeviceCaps c;
  c.platform_name = platform_string(platform, CL_PLATFORM_NAME, where);
  c.platform_vendor = platform_string(platform, CL_PLATFORM_VENDOR, where);
  c.platform_version = platform_string(platform, CL_PLATFORM_VERSION, where);
  c.name = device_string(d, CL_DEVICE_NAME, where);
  c.vendor = device_string(d, CL_DEVICE_VENDOR, where);
  c.device_version = device_string(d, CL_DEVICE_VERSION, where);
  c.opencl_c_version = device_string(d, CL_DEVICE_OPENCL_C_VERSION, where);
  c.driver_version = device_string(d, CL_DRIVER_VERSION, where);
  c.type = device_value<cl_device_type>(d, CL_DEVICE_TYPE, where);
  c.available = device_value<cl_bool>(d, CL_DEVICE_AVAILABLE, where) == CL_TRUE;
  c.compiler_available = device_value<cl_bool>(d, CL_DEVICE_COMPILER_AVAILABLE, where) == CL_TRUE;
  c.compute_units = device_value<cl_uint>(d, CL_DEVICE_MAX_COMPUTE_UNITS, where);
  c.max_clock_mhz = device_value<cl_uint>(d, CL_DEVICE_MAX_CLOCK_FREQUENCY, where);
  c.global_mem_bytes = device_value<cl_ulong>(d, CL_DEVICE_GLOBAL_MEM_SIZE, where);
  c.max_alloc_bytes = device_value<cl_ulong>(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, where);
  c.local_mem_bytes = device_value<cl_ulong>(d, CL_DEVICE_LOCAL_MEM_SIZE, where);
  c.local_mem_dedicated =
      device_value<cl_device_local_mem_type>(d, CL_DEVICE_LOCAL_MEM_TYPE, where) == CL_LOCAL;
  c.global_cache_bytes = device_value<cl_ulong>(d, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, where);
  c.max_work_group_size = device_value<std::size_t>(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, where);
  const auto dims = device_value<cl_uint>(d, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS, where);
  std::vector<std::size_t> sizes(dims < 3 ? 3 : dims, 1);
  AICERT_CL(where, clGetDeviceInfo, d, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof(std::size_t) * dims,
            sizes.data(), nullptr);
  for (int i = 0; i < 3; ++i) c.max_work_item_sizes[i] = sizes[i];
  c.mem_base_addr_align_bits = device_value<cl_uint>(d, CL_DEVICE_MEM_BASE_ADDR_ALIGN, where);
  c.preferred_vector_width_float =
      device_value<cl_uint>(d, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, where);
  c.profiling_timer =
      (device_value<cl_command_queue_properties>(d, CL_DEVICE_QUEUE_PROPERTIES, where) &
       CL_QUEUE_PROFILING_ENABLE) != 0;
  std::istringstream ext(device_string(d, CL_DEVICE_EXTENSIONS, where));
  for (std::string e; ext >> e;) c.extensions.insert(e);
  query_pci_bus_id(d, c);
  return c;
}

DeviceInfo to_device_info(const DeviceCaps& c, int index) {
  DeviceInfo info;
  info.index = index;
  info.name = c.name;
  info.vendor = c.vendor;
  info.kind = device_kind(c.type);
  info.pci_bus_id = c.pci_bus_id;
  info.driver_version = c.driver_version;
  info.memory_bytes = c.global_mem_bytes;
  info.compute_units = static_cast<int>(c.compute_units);
  auto& p = info.properties;
  p["platform_name"] = c.platform_name;
  p["platform_vendor"] = c.platform_vendor;
  p["platform_version"] = c.platform_version;
  p["opencl_version"] = c.device_version;
  p["opencl_c_version"] = c.opencl_c_version;
  p["max_clock_mhz"] = std::to_string(c.max_clock_mhz);
  p["global_memory_bytes"] = std::to_string(c.global_mem_bytes);
  p["max_allocation_bytes"] = std::to_string(c.max_alloc_bytes);
  p["local_memory_bytes"] = std::to_string(c.local_mem_bytes);
  p["local_memory_type"] = c.local_mem_dedicated ? "local" : "global";
  p["global_cache_bytes"] = std::to_string(c.global_cache_bytes);
  p["max_work_group_size"] = std::to_string(c.max_work_group_size);
  p["available"] = yes_no(c.available);
  p["compiler_available"] = yes_no(c.compiler_available);
  p["fp16"] = yes_no(c.has_fp16());
  p["fp64"] = yes_no(c.has_fp64());
  p["subgroups"] = yes_no(c.has_subgroups());
  std::string ext;
  for (const auto& e : c.extensions) ext += (ext.empty() ? "" : " ") + e;
  p["extensions"] = ext;
  if (!c.pci_bus_id_source.empty()) p["pci_bus_id_source"] = c.pci_bus_id_source;
  return info;
}

}  // namespace aicert::opencl
