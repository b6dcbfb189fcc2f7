// hwloc topology walk: packages, cores, PUs, NUMA nodes with local memory, caches, the PCI
// devices with their link and OS devices, plus hwloc's own XML export of the topology.
#pragma once

#include <string>

#include "reports/inventory.h"

namespace aicert {

struct TopologySource {
  enum class Kind { this_machine, synthetic, xml };
  Kind kind = Kind::this_machine;
  std::string text;  // synthetic description ("pack:2 core:4 pu:2") or an XML document
};

// Fills packages, cores, pus, numa_nodes, caches, pci_devices, hwloc_version and hwloc_xml;
// also cpu_model when it is still unknown and total_memory_bytes when still 0. Returns false
// and sets *why (when given) if hwloc cannot load the topology; the inventory is then left
// as it was, apart from hwloc_version.
bool probe_topology(Inventory& inventory, const TopologySource& source = {},
                    std::string* why = nullptr);

}  // namespace aicert
