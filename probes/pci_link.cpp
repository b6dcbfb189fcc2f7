// PCIe link reader. The kernel writes "Unknown" speed or width 0 for links it cannot
// read (e.g. some virtual functions); those are reported as unknown too.
#include "probes/pci_link.h"

#include "probes/sysfs_read.h"
#include "reports/inventory.h"

namespace aicert {

PciLink read_pci_link(const std::string& bus_id, const std::filesystem::path& pci_devices_dir) {
  PciLink link{kUnknown, kUnknown};
  // A bus id must be a single path component; refuse anything that could walk elsewhere.
  if (bus_id.empty() || bus_id.find('/') != std::string::npos || bus_id == "." || bus_id == "..") {
    return link;
  }
  const auto dir = pci_devices_dir / bus_id;
  link.speed = read_first_line(dir / "current_link_speed");
  link.width = read_first_line(dir / "current_link_width");
  if (link.speed.starts_with("Unknown")) link.speed = kUnknown;
  if (link.width == "0") link.width = kUnknown;
  return link;
}

}  // namespace aicert
