// Firmware identity from the DMI/SMBIOS attributes the kernel exports under
// /sys/class/dmi/id. product_serial is root-only; absent DMI (VMs, ARM boards) is normal.
#pragma once

#include <filesystem>

#include "reports/inventory.h"

namespace aicert {

// Fills the dmi_* fields from dmi_dir; each unreadable attribute stays kUnknown.
void probe_dmi(Inventory& inventory, const std::filesystem::path& dmi_dir = "/sys/class/dmi/id");

}  // namespace aicert
