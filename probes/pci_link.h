// Negotiated PCIe link of one device from sysfs (current_link_speed/current_link_width):
// a GPU that trained at x8 or Gen3 instead of x16 Gen5 is a classic cause of slow transfers.
#pragma once

#include <filesystem>
#include <string>

namespace aicert {

struct PciLink {
  std::string speed;  // e.g. "16.0 GT/s PCIe", or kUnknown
  std::string width;  // e.g. "16", or kUnknown
};

// bus_id as "dddd:bb:dd.f". Missing attributes (virtual devices, no sysfs) read as kUnknown.
PciLink read_pci_link(const std::string& bus_id,
                      const std::filesystem::path& pci_devices_dir = "/sys/bus/pci/devices");

}  // namespace aicert
