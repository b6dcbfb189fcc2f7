// The full inventory of this machine: what probes/ finds plus every backend's status and
// devices as its plugin reports them.
#pragma once

#include "harness/plugin_registry.h"
#include "reports/inventory.h"

namespace aicert {

Inventory build_inventory(const PluginRegistry& registry);

}  // namespace aicert
