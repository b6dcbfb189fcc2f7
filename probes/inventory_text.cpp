// format_inventory_text: the console view of an Inventory for `aicert probe`, aligned
// "Label  value" lines, then one indented line per NUMA node, PCI device, backend, device.
#include <cstdio>
#include <sstream>

#include "probes/probe.h"

namespace aicert {
namespace {

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char buf[32];
  if (unit == 0 || value == static_cast<double>(static_cast<std::uint64_t>(value))) {
    std::snprintf(buf, sizeof buf, "%.0f %s", value, kUnits[unit]);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  }
  return buf;
}

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string cache_label(const CacheInfo& cache) {
  std::string label = "L";  // appends only: GCC 12 -Wrestrict misfires on "lit" + string&&
  label += std::to_string(cache.level);
  if (cache.type == "data") label += "d";
  if (cache.type == "instruction") label += "i";
  return label;
}

void line(std::ostringstream& out, const char* label, const std::string& value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%-14s", label);
  out << buf << value << '\n';
}

}  // namespace

std::string format_inventory_text(const Inventory& inv) {
  std::ostringstream out;
  line(out, "Host", inv.hostname);
  line(out, "Machine id", inv.machine_id + " (from " + inv.machine_id_source + ")");
  line(out, "OS", inv.os_release);
  line(out, "Kernel", inv.kernel + " (" + inv.architecture + ")");
  line(out, "CPU", inv.cpu_model);

  std::string features;
  for (const auto& f : inv.cpu_features) {
    if (!features.empty()) features += ' ';
    features += f;
  }
  line(out, "CPU features", features.empty() ? "none of the AI-relevant ones" : features);
  line(out, "Topology",
       plural(inv.packages, "package") + ", " + plural(inv.cores, "core") + ", " +
           plural(inv.pus, "PU"));
  line(out, "Memory", inv.total_memory_bytes ? format_bytes(inv.total_memory_bytes) : kUnknown);

  line(out, "NUMA nodes", std::to_string(inv.numa_nodes.size()));
  for (const auto& node : inv.numa_nodes) {
    out << "  node " << node.os_index << "  " << format_bytes(node.memory_bytes) << '\n';
  }

  std::string caches;
  for (const auto& c : inv.caches) {
    if (!caches.empty()) caches += ", ";
    caches += cache_label(c);
    caches += ' ';
    caches += format_bytes(c.size_bytes);
    caches += " x";
    caches += std::to_string(c.count);
  }
  line(out, "Caches", caches.empty() ? kUnknown : caches);

  line(out, "System",
       inv.dmi_sys_vendor + " " + inv.dmi_product_name + ", serial " + inv.dmi_product_serial);
  line(out, "BIOS",
       inv.dmi_bios_vendor + " " + inv.dmi_bios_version + " (" + inv.dmi_bios_date + ")");
  line(out, "hwloc", inv.hwloc_version);

  line(out, "PCI devices", std::to_string(inv.pci_devices.size()));
  for (const auto& pci : inv.pci_devices) {
    out << "  " << pci.bus_id << "  " << pci_device_label(pci);
    out << "\n    link " << pci.link_speed;
    if (pci.link_width != kUnknown) out << " x" << pci.link_width;
    if (pci.link_speed_gbps > 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " (%.2f GB/s)", pci.link_speed_gbps);
      out << buf;
    }
    out << '\n';
    for (const auto& os : pci.os_devices) {
      out << "    " << os.type << " " << os.name;
      if (!os.subtype.empty()) out << " (" << os.subtype << ")";
      out << '\n';
    }
  }

  if (!inv.backends.empty()) {
    line(out, "Backends", std::to_string(inv.backends.size()));
    for (const auto& b : inv.backends) {
      out << "  " << b.name << "  ";
      if (b.available) {
        out << "available";
        if (!b.runtime_version.empty()) out << ", " << b.runtime_version;
      } else {
        out << "unavailable: " << b.reason;
      }
      out << '\n';
    }
  }
  if (!inv.devices.empty()) {
    line(out, "Devices", std::to_string(inv.devices.size()));
    for (const auto& d : inv.devices) {
      out << "  " << d.backend << ":" << d.index << "  " << d.name;
      if (!d.vendor.empty()) out << " (" << d.vendor << ")";
      if (!d.kind.empty()) out << ", " << d.kind;
      if (d.compute_units > 0) out << ", " << plural(d.compute_units, "compute unit");
      if (d.memory_bytes > 0) out << ", " << format_bytes(d.memory_bytes);
      if (!d.pci_bus_id.empty() && d.pci_bus_id != kUnknown) out << ", pci " << d.pci_bus_id;
      if (!d.driver_version.empty()) out << ", driver " << d.driver_version;
      out << '\n';
      for (const auto& [key, value] : d.properties) {
        out << "    " << key << " = " << value << '\n';
      }
    }
  }
  return out.str();
}

}  // namespace aicert
