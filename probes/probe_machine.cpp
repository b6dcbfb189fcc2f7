// probe_machine: runs every machine probe in order. The OS and cpuinfo probes go first so
// that hwloc only fills the CPU model and memory total when those could not be read.
#include <iostream>
#include <string>

#include "probes/cpu_features.h"
#include "probes/dmi_probe.h"
#include "probes/hwloc_probe.h"
#include "probes/machine_identity.h"
#include "probes/os_probe.h"
#include "probes/probe.h"

namespace aicert {

Inventory probe_machine() {
  Inventory inventory;
  probe_os(inventory);
  probe_cpu(inventory);
  probe_dmi(inventory);
  probe_machine_identity(inventory);
  // An hwloc failure (e.g. a sandbox without /sys) leaves the topology fields at 0/empty;
  // the rest of the inventory is still worth reporting, so warn and go on.
  std::string why;
  if (!probe_topology(inventory, {}, &why)) {
    std::cerr << "aicert: warning: hwloc topology not probed: " << why << '\n';
  }
  return inventory;
}

}  // namespace aicert
