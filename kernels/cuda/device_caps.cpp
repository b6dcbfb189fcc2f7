// Device queries through the CUDA runtime (cudaDeviceProp and cudaDeviceGetAttribute: CUDA 13
// dropped the clock fields from cudaDeviceProp).
#include "kernels/cuda/device_caps.h"

#include <cuda_runtime_api.h>

#include <cstdio>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/nvidia_driver_version.h"

namespace aicert::cuda {

std::string DeviceCaps::label() const {
  return "cuda device " + std::to_string(index) + " '" + name + "'";
}

std::string cuda_version_string(int encoded) {
  return std::to_string(encoded / 1000) + "." + std::to_string((encoded % 1000) / 10);
}

namespace {

std::string format_uuid(const cudaUUID_t& uuid) {
  std::string out = "GPU-";
  char hex[3];
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(uuid.bytes[i]));
    out += hex;
  }
  return out;
}

}  // namespace

DeviceCaps query_device_caps(int index) {
  DeviceCaps caps;
  caps.index = index;
  const std::string where = "cuda device " + std::to_string(index);
  cudaDeviceProp prop{};
  AICERT_CUDA(where, cudaGetDeviceProperties(&prop, index));
  caps.name = prop.name;
  caps.cc_major = prop.major;
  caps.cc_minor = prop.minor;
  caps.sm_count = prop.multiProcessorCount;
  caps.global_mem_bytes = prop.totalGlobalMem;
  caps.l2_bytes = static_cast<std::uint64_t>(prop.l2CacheSize);
  caps.shared_mem_per_block_optin = prop.sharedMemPerBlockOptin;
  caps.ecc_enabled = prop.ECCEnabled != 0;
  caps.uuid = format_uuid(prop.uuid);
  char pci[32];
  std::snprintf(pci, sizeof pci, "%04x:%02x:%02x.0", static_cast<unsigned>(prop.pciDomainID),
                static_cast<unsigned>(prop.pciBusID), static_cast<unsigned>(prop.pciDeviceID));
  caps.pci_bus_id = pci;
  const std::string label = caps.label();
  AICERT_CUDA(label, cudaDeviceGetAttribute(&caps.clock_khz, cudaDevAttrClockRate, index));
  AICERT_CUDA(label,
              cudaDeviceGetAttribute(&caps.memory_clock_khz, cudaDevAttrMemoryClockRate, index));
  AICERT_CUDA(
      label, cudaDeviceGetAttribute(&caps.memory_bus_bits, cudaDevAttrGlobalMemoryBusWidth, index));
  return caps;
}

DeviceInfo to_device_info(const DeviceCaps& caps, const std::string& driver_version,
                          const std::string& runtime_version) {
  DeviceInfo info;
  info.index = caps.index;
  info.name = caps.name;
  info.vendor = "NVIDIA";
  info.kind = "gpu";
  info.pci_bus_id = caps.pci_bus_id;
  // The kernel driver's own version where /proc has it, with the CUDA level it provides.
  const std::string nvidia = nvidia_driver_version();
  info.driver_version = nvidia.empty() ? driver_version : nvidia + " (CUDA " + driver_version + ")";
  info.memory_bytes = caps.global_mem_bytes;
  info.compute_units = caps.sm_count;
  auto& p = info.properties;
  p["compute_capability"] = std::to_string(caps.cc_major) + "." + std::to_string(caps.cc_minor);
  p["sm_count"] = std::to_string(caps.sm_count);
  p["max_clock_mhz"] = std::to_string(caps.clock_khz / 1000);
  p["memory_clock_mhz"] = std::to_string(caps.memory_clock_khz / 1000);
  p["memory_bus_bits"] = std::to_string(caps.memory_bus_bits);
  p["l2_bytes"] = std::to_string(caps.l2_bytes);
  p["shared_memory_per_block_optin"] = std::to_string(caps.shared_mem_per_block_optin);
  p["ecc"] = caps.ecc_enabled ? "enabled" : "disabled";
  p["uuid"] = caps.uuid;
  p["pci_bus_id_source"] = "cudaDeviceProp";
  p["cuda_runtime_version"] = runtime_version;
  p["cuda_driver_version"] = driver_version;
  if (!nvidia.empty()) p["nvidia_driver_version"] = nvidia;
  return info;
}

}  // namespace aicert::cuda
