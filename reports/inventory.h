// The inventory part of the report model: what machine a report was measured on.
// probes/ fills it; reports/ writes and reads it. Anything unreadable stays "unknown".
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace aicert {

inline constexpr const char* kUnknown = "unknown";

struct CacheInfo {
  int level = 0;
  std::string type;             // "data", "instruction", "unified"
  std::uint64_t size_bytes = 0;
  int count = 0;                // how many such caches in the machine
};

struct NumaNodeInfo {
  int os_index = 0;
  std::uint64_t memory_bytes = 0;
};

struct OsDeviceInfo {
  std::string name;             // "card0", "eth0", "opencl0d0", "cuda0"
  std::string type;             // "gpu", "network", "coproc", "block", "dma", "openfabrics"
  std::string subtype;          // "OpenCL", "CUDA", "LevelZero", ...
};

struct PciDeviceInfo {
  std::string bus_id;           // "0000:17:00.0"
  std::uint16_t vendor_id = 0;
  std::uint16_t device_id = 0;
  std::uint16_t class_id = 0;
  std::string class_name;       // "Display controller", "Network controller", ...
  std::string name;             // hwloc's PCIVendor/PCIDevice, when known
  std::string vendor_name;      // pci.ids (libpci), e.g. "Red Hat, Inc."; "" when unknown
  std::string device_name;      // pci.ids, e.g. "Virtio 1.0 network device"; "" when unknown
  double link_speed_gbps = 0;   // per hwloc (GB/s), 0 when unknown
  std::string link_speed;       // sysfs current_link_speed, e.g. "16.0 GT/s PCIe", or unknown
  std::string link_width;       // sysfs current_link_width, e.g. "16", or unknown
  std::vector<OsDeviceInfo> os_devices;
};

// How `aicert probe` and the HTML name a PCI device: the pci.ids names when known, then the
// numeric ids, then the class, "Red Hat, Inc. Virtio 1.0 network device [1af4:1041] Ethernet
// controller"; without them hwloc's name (when it has one) follows: "[10de:2330] 3D
// controller: NVIDIA Corporation GH100".
inline std::string pci_device_label(const PciDeviceInfo& d) {
  std::string label = d.vendor_name;  // appends only (GCC 12 -Wrestrict misfires on "lit" + s)
  if (!d.device_name.empty()) {
    if (!label.empty()) label += ' ';
    label += d.device_name;
  }
  const bool named = !label.empty();
  if (named) label += ' ';
  char ids[16];
  std::snprintf(ids, sizeof ids, "[%04x:%04x] ", static_cast<unsigned>(d.vendor_id),
                static_cast<unsigned>(d.device_id));
  label += ids;
  label += d.class_name;
  if (!named && !d.name.empty() && d.name != kUnknown) {
    label += ": ";
    label += d.name;
  }
  return label;
}

struct BackendDeviceInfo {
  std::string backend;          // "cpu", "opencl", ...
  int index = 0;
  std::string name;
  std::string vendor;
  std::string kind;
  std::string pci_bus_id;
  std::string driver_version;
  std::uint64_t memory_bytes = 0;
  int compute_units = 0;
  std::map<std::string, std::string> properties;
};

struct BackendStatus {
  std::string name;
  bool available = false;
  std::string reason;           // why unavailable
  std::string runtime_version;
};

struct Inventory {
  std::string hostname = kUnknown;
  // Groups reports of one machine (probes/machine_identity.h): a keyed hash of a firmware or
  // OS identifier, or what --machine-id gave. Reports of older versions have none (kUnknown).
  std::string machine_id = kUnknown;
  std::string machine_id_source = kUnknown;  // "dmi-product-uuid", ..., "hostname", "option"
  std::string os_release = kUnknown;   // PRETTY_NAME of /etc/os-release
  std::string kernel = kUnknown;       // uname -r
  std::string architecture = kUnknown; // uname -m
  std::string cpu_model = kUnknown;
  std::vector<std::string> cpu_features;  // the AI-relevant ones present: avx2, avx512f, ...
  int packages = 0;
  int cores = 0;
  int pus = 0;
  std::uint64_t total_memory_bytes = 0;
  std::vector<NumaNodeInfo> numa_nodes;
  std::vector<CacheInfo> caches;
  std::vector<PciDeviceInfo> pci_devices;
  std::string dmi_sys_vendor = kUnknown;
  std::string dmi_product_name = kUnknown;
  std::string dmi_product_serial = kUnknown;
  std::string dmi_bios_vendor = kUnknown;
  std::string dmi_bios_version = kUnknown;
  std::string dmi_bios_date = kUnknown;
  std::vector<BackendStatus> backends;
  std::vector<BackendDeviceInfo> devices;
  std::string hwloc_version = kUnknown;
  std::string hwloc_xml;               // hwloc's own XML export, embedded verbatim
};

}  // namespace aicert
