// Joins the machine probe with the backends' view of their devices.
#include "harness/machine_inventory.h"

#include "probes/probe.h"

namespace aicert {

Inventory build_inventory(const PluginRegistry& registry) {
  Inventory inv = probe_machine();
  for (const auto& lb : registry.backends()) {
    BackendStatus status;
    status.name = lb.name;
    status.available = lb.available;
    status.reason = lb.reason;
    if (lb.available) {
      status.runtime_version = lb.backend->runtime_version();
      for (const DeviceInfo& d : lb.backend->devices()) {
        BackendDeviceInfo bd;
        bd.backend = lb.name;
        bd.index = d.index;
        bd.name = d.name;
        bd.vendor = d.vendor;
        bd.kind = d.kind;
        bd.pci_bus_id = d.pci_bus_id;
        bd.driver_version = d.driver_version;
        bd.memory_bytes = d.memory_bytes;
        bd.compute_units = d.compute_units;
        bd.properties = d.properties;
        inv.devices.push_back(std::move(bd));
      }
    }
    inv.backends.push_back(std::move(status));
  }
  return inv;
}

}  // namespace aicert
