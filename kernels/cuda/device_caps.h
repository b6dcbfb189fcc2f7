// What the CUDA backend knows of one device, read once at enumeration: identity (name, PCI bus
// id as hwloc writes it, UUID), compute capability, SMs, memory, clocks, ECC.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/backend_api.h"

namespace aicert::cuda {

struct DeviceCaps {
  int index = 0;
  std::string name;
  int cc_major = 0, cc_minor = 0;
  int sm_count = 0;
  std::uint64_t global_mem_bytes = 0;
  std::uint64_t l2_bytes = 0;
  std::uint64_t shared_mem_per_block_optin = 0;
  int clock_khz = 0, memory_clock_khz = 0, memory_bus_bits = 0;
  bool ecc_enabled = false;
  std::string pci_bus_id;  // "0000:17:00.0", lowercase hex, as hwloc writes it
  std::string uuid;        // "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as nvidia-smi writes it

  // "cuda device 0 'NVIDIA H100 80GB HBM3'": the `where` of errors.
  std::string label() const;
  int compute_capability() const { return cc_major * 10 + cc_minor; }
};

// Throws CudaError when the device cannot be queried.
DeviceCaps query_device_caps(int index);

// Versions as "13.0" from the runtime's encoding 1000*major + 10*minor.
std::string cuda_version_string(int encoded);

DeviceInfo to_device_info(const DeviceCaps& caps, const std::string& driver_version,
                          const std::string& runtime_version);

}  // namespace aicert::cuda
