// Builds the machine part of the Inventory: hwloc topology (packages, cores, PUs, NUMA, caches,
// PCI tree with OS devices), OS release, kernel, CPU model and AI-relevant ISA features,
// memory and DMI. Works without root: what cannot be read stays "unknown", never an exception.
// The backend statuses and devices are added by the harness, which owns the plugins.
#pragma once

#include <string>

#include "reports/inventory.h"

namespace aicert {

Inventory probe_machine();

// Human-readable multi-line description for `aicert probe`.
std::string format_inventory_text(const Inventory& inventory);

}  // namespace aicert
