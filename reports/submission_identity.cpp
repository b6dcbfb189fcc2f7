// A report's hardware and software identity for the compatibility matrix; see
// submission_identity.h.
#include "reports/submission_identity.h"

#include <algorithm>
#include <map>
#include <set>

namespace aicert {

SubmissionIdentity submission_identity(const Report& report) {
  const Inventory& inv = report.inventory;
  SubmissionIdentity id;
  const bool vendor_known = inv.dmi_sys_vendor != kUnknown && !inv.dmi_sys_vendor.empty();
  const bool product_known = inv.dmi_product_name != kUnknown && !inv.dmi_product_name.empty();
  id.server = vendor_known && product_known ? inv.dmi_sys_vendor + " " + inv.dmi_product_name
              : product_known               ? inv.dmi_product_name
                                            : "unknown server";
  // One accelerator seen by two backends (CUDA and OpenCL) is one board: count PCI bus ids.
  std::map<std::string, std::set<std::string>> boards;  // name -> bus ids (or backend:index)
  for (const auto& d : inv.devices) {
    if (d.kind != "gpu" && d.kind != "accelerator") continue;
    boards[d.name].insert(d.pci_bus_id.empty() ? d.backend + ":" + std::to_string(d.index)
                                               : d.pci_bus_id);
  }
  for (const auto& [name, ids] : boards) {
    if (!id.accelerators.empty()) id.accelerators += " + ";
    id.accelerators += std::to_string(ids.size()) + "x " + name;
  }
  if (id.accelerators.empty()) id.accelerators = "CPU only: " + inv.cpu_model;
  id.os = inv.os_release;
  id.kernel = inv.kernel;
  std::set<std::string> ran;
  for (const auto& c : report.cases) {
    if (c.verdict != Verdict::skip && c.verdict != Verdict::not_supported) ran.insert(c.backend);
  }
  id.backends.assign(ran.begin(), ran.end());
  for (const auto& b : inv.backends) {
    if (!ran.count(b.name)) continue;
    if (!id.runtimes.empty()) id.runtimes += "; ";
    id.runtimes += b.name + ": " + (b.runtime_version.empty() ? kUnknown : b.runtime_version);
  }
  if (id.runtimes.empty()) id.runtimes = "no backend ran";
  return id;
}

}  // namespace aicert
