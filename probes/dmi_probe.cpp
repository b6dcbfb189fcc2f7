// DMI probe: one attribute file per field.
#include "probes/dmi_probe.h"

#include "probes/sysfs_read.h"

namespace aicert {

void probe_dmi(Inventory& inventory, const std::filesystem::path& dmi_dir) {
  inventory.dmi_sys_vendor = read_first_line(dmi_dir / "sys_vendor");
  inventory.dmi_product_name = read_first_line(dmi_dir / "product_name");
  inventory.dmi_product_serial = read_first_line(dmi_dir / "product_serial");
  inventory.dmi_bios_vendor = read_first_line(dmi_dir / "bios_vendor");
  inventory.dmi_bios_version = read_first_line(dmi_dir / "bios_version");
  inventory.dmi_bios_date = read_first_line(dmi_dir / "bios_date");
}

}  // namespace aicert
