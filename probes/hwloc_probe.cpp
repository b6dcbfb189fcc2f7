// hwloc probe. I/O objects are dropped by hwloc's default filters, so PCI devices are kept
// explicitly (all of them: an inventory should list a plain device too) and OS devices /
// bridges as "important". Link width/speed come from sysfs; hwloc only gives GB/s.
#include "probes/hwloc_probe.h"

#include <hwloc.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <tuple>

#include "probes/pci_class.h"
#include "probes/pci_link.h"
#include "probes/pci_names.h"

namespace aicert {
namespace {

struct TopologyDeleter {
  void operator()(hwloc_topology* topology) const { hwloc_topology_destroy(topology); }
};
using TopologyPtr = std::unique_ptr<hwloc_topology, TopologyDeleter>;

std::string errno_text(const char* call) {
  return std::string(call) + " failed: " + std::strerror(errno);
}

const char* info_or_null(hwloc_obj_t obj, const char* name) {
  return obj ? hwloc_obj_get_info_by_name(obj, name) : nullptr;
}

std::string cache_type_name(hwloc_obj_cache_type_e type) {
  switch (type) {
    case HWLOC_OBJ_CACHE_DATA:
      return "data";
    case HWLOC_OBJ_CACHE_INSTRUCTION:
      return "instruction";
    case HWLOC_OBJ_CACHE_UNIFIED:
      return "unified";
  }
  return kUnknown;
}

std::string osdev_type_name(hwloc_obj_osdev_type_e type) {
  switch (type) {
    case HWLOC_OBJ_OSDEV_BLOCK:
      return "block";
    case HWLOC_OBJ_OSDEV_GPU:
      return "gpu";
    case HWLOC_OBJ_OSDEV_NETWORK:
      return "network";
    case HWLOC_OBJ_OSDEV_OPENFABRICS:
      return "openfabrics";
    case HWLOC_OBJ_OSDEV_DMA:
      return "dma";
    case HWLOC_OBJ_OSDEV_COPROC:
      return "coproc";
  }
  return kUnknown;
}

std::string format_bus_id(const hwloc_obj_attr_u::hwloc_pcidev_attr_s& pci) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%01x", static_cast<unsigned>(pci.domain),
                static_cast<unsigned>(pci.bus), static_cast<unsigned>(pci.dev),
                static_cast<unsigned>(pci.func));
  return buf;
}

std::vector<CacheInfo> collect_caches(hwloc_topology_t topology) {
  static constexpr hwloc_obj_type_t kCacheTypes[] = {
      HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE,  HWLOC_OBJ_L3CACHE,  HWLOC_OBJ_L4CACHE,
      HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L1ICACHE, HWLOC_OBJ_L2ICACHE, HWLOC_OBJ_L3ICACHE};
  // Identical caches (same level, type, size) are reported once with a count.
  std::map<std::tuple<int, std::string, std::uint64_t>, int> counts;
  for (const auto type : kCacheTypes) {
    for (hwloc_obj_t obj = nullptr; (obj = hwloc_get_next_obj_by_type(topology, type, obj));) {
      const auto& cache = obj->attr->cache;
      ++counts[{static_cast<int>(cache.depth), cache_type_name(cache.type), cache.size}];
    }
  }
  std::vector<CacheInfo> caches;
  for (const auto& [key, count] : counts) {
    caches.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
  }
  return caches;
}

std::vector<OsDeviceInfo> collect_os_devices(hwloc_obj_t pci) {
  std::vector<OsDeviceInfo> devices;
  for (hwloc_obj_t child = pci->io_first_child; child; child = child->next_sibling) {
    if (child->type != HWLOC_OBJ_OS_DEVICE) continue;
    OsDeviceInfo device;
    device.name = child->name ? child->name : kUnknown;
    device.type = osdev_type_name(child->attr->osdev.type);
    if (child->subtype) {
      device.subtype = child->subtype;
    } else if (const char* backend = info_or_null(child, "Backend")) {
      device.subtype = backend;
    }
    devices.push_back(std::move(device));
  }
  return devices;
}

std::vector<PciDeviceInfo> collect_pci_devices(hwloc_topology_t topology) {
  std::vector<PciDeviceInfo> devices;
  for (hwloc_obj_t obj = nullptr; (obj = hwloc_get_next_pcidev(topology, obj));) {
    const auto& pci = obj->attr->pcidev;
    PciDeviceInfo device;
    device.bus_id = format_bus_id(pci);
    device.vendor_id = pci.vendor_id;
    device.device_id = pci.device_id;
    device.class_id = pci.class_id;
    device.class_name = pci_class_name(pci.class_id);
    const char* vendor = info_or_null(obj, "PCIVendor");
    const char* model = info_or_null(obj, "PCIDevice");
    if (vendor && model) {
      device.name = std::string(vendor) + " " + model;
    } else if (vendor || model) {
      device.name = vendor ? vendor : model;
    } else {
      device.name = kUnknown;
    }
    const PciNames names = system_pci_names().lookup(pci.vendor_id, pci.device_id);
    device.vendor_name = names.vendor;
    device.device_name = names.device;
    device.link_speed_gbps = pci.linkspeed > 0 ? static_cast<double>(pci.linkspeed) : 0.0;
    const PciLink link = read_pci_link(device.bus_id);
    device.link_speed = link.speed;
    device.link_width = link.width;
    device.os_devices = collect_os_devices(obj);
    devices.push_back(std::move(device));
  }
  std::sort(devices.begin(), devices.end(),
            [](const PciDeviceInfo& a, const PciDeviceInfo& b) { return a.bus_id < b.bus_id; });
  return devices;
}

std::string export_xml(hwloc_topology_t topology) {
  char* buffer = nullptr;
  int length = 0;
  if (hwloc_topology_export_xmlbuffer(topology, &buffer, &length, 0) != 0 || !buffer) return {};
  std::string xml(buffer, length > 0 ? static_cast<std::size_t>(length) : 0);
  hwloc_free_xmlbuffer(topology, buffer);
  while (!xml.empty() && xml.back() == '\0') xml.pop_back();  // length counts the terminator
  return xml;
}

bool configure(hwloc_topology_t topology, const TopologySource& source, std::string* why) {
  switch (source.kind) {
    case TopologySource::Kind::this_machine:
      break;
    case TopologySource::Kind::synthetic:
      if (hwloc_topology_set_synthetic(topology, source.text.c_str()) != 0) {
        if (why) *why = "hwloc rejected synthetic description \"" + source.text + "\"";
        return false;
      }
      break;
    case TopologySource::Kind::xml:
      if (source.text.size() >= static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
          hwloc_topology_set_xmlbuffer(topology, source.text.c_str(),
                                       static_cast<int>(source.text.size() + 1)) != 0) {
        if (why) *why = errno_text("hwloc_topology_set_xmlbuffer");
        return false;
      }
      break;
  }
  // Instruction caches are filtered out by default in hwloc 2; an inventory wants them.
  if (hwloc_topology_set_icache_types_filter(topology, HWLOC_TYPE_FILTER_KEEP_ALL) != 0 ||
      hwloc_topology_set_io_types_filter(topology, HWLOC_TYPE_FILTER_KEEP_IMPORTANT) != 0 ||
      hwloc_topology_set_type_filter(topology, HWLOC_OBJ_PCI_DEVICE, HWLOC_TYPE_FILTER_KEEP_ALL) !=
          0) {
    if (why) *why = errno_text("hwloc_topology_set_type_filter");
    return false;
  }
  return true;
}

}  // namespace

bool probe_topology(Inventory& inventory, const TopologySource& source, std::string* why) {
  inventory.hwloc_version = HWLOC_VERSION;  // headers we were built with; refined below

  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) {
    if (why) *why = errno_text("hwloc_topology_init");
    return false;
  }
  TopologyPtr topology(raw);
  if (!configure(raw, source, why)) return false;
  if (hwloc_topology_load(raw) != 0) {
    if (why) *why = errno_text("hwloc_topology_load");
    return false;
  }

  const hwloc_obj_t root = hwloc_get_root_obj(raw);
  if (source.kind == TopologySource::Kind::this_machine) {
    // The library actually loaded at run time, which may be newer than our headers.
    if (const char* version = info_or_null(root, "hwlocVersion")) inventory.hwloc_version = version;
  }

  const auto count = [&](hwloc_obj_type_t type) {
    const int n = hwloc_get_nbobjs_by_type(raw, type);
    return n > 0 ? n : 0;
  };
  inventory.pus = count(HWLOC_OBJ_PU);
  // Some platforms (VMs, some Arm firmware) expose neither packages nor cores to hwloc; a
  // machine with PUs still has at least one package, and each PU then stands for a core.
  inventory.cores = count(HWLOC_OBJ_CORE);
  if (inventory.cores == 0) inventory.cores = inventory.pus;
  inventory.packages = count(HWLOC_OBJ_PACKAGE);
  if (inventory.packages == 0 && inventory.pus > 0) inventory.packages = 1;

  inventory.numa_nodes.clear();
  for (hwloc_obj_t node = nullptr;
       (node = hwloc_get_next_obj_by_type(raw, HWLOC_OBJ_NUMANODE, node));) {
    inventory.numa_nodes.push_back({static_cast<int>(node->os_index),
                                    static_cast<std::uint64_t>(node->attr->numanode.local_memory)});
  }
  if (inventory.total_memory_bytes == 0) inventory.total_memory_bytes = root->total_memory;

  inventory.caches = collect_caches(raw);
  inventory.pci_devices = collect_pci_devices(raw);

  if (inventory.cpu_model == kUnknown) {
    const hwloc_obj_t package = hwloc_get_obj_by_type(raw, HWLOC_OBJ_PACKAGE, 0);
    const char* model = info_or_null(package, "CPUModel");
    if (!model) model = info_or_null(root, "CPUModel");
    if (model && *model) inventory.cpu_model = model;
  }

  inventory.hwloc_xml = export_xml(raw);
  return true;
}

}  // namespace aicert
