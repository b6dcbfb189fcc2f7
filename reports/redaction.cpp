// Removal of identifying fields from an inventory; see redaction.h.
#include "reports/redaction.h"

#include <pugixml.hpp>
#include <sstream>
#include <vector>

namespace aicert {

namespace {

bool identifying(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // The mpi device lists its job's hosts as "hosts" and "host:<name>".
  return name.find("serial") != std::string::npos || name.find("uuid") != std::string::npos ||
         name.find("hostname") != std::string::npos || name.find("host-name") != std::string::npos ||
         name == "hosts" || name.rfind("host:", 0) == 0;
}

// hwloc keeps identity in <info name="HostName" value=...>, DMI*Serial, DMI*UUID and similar.
void redact_hwloc(std::string& xml) {
  pugi::xml_document doc;
  if (xml.empty() || !doc.load_buffer(xml.data(), xml.size())) return;
  std::vector<pugi::xml_node> doomed;
  for (pugi::xpath_node n : doc.select_nodes("//info")) {
    if (identifying(n.node().attribute("name").value())) doomed.push_back(n.node());
  }
  for (pugi::xml_node n : doomed) n.parent().remove_child(n);
  std::ostringstream out;
  doc.save(out, "  ");
  xml = out.str();
}

}  // namespace

void redact_inventory(Inventory& inv) {
  // inv.machine_id stays: it is a keyed hash (or the user's own --machine-id), and without it
  // redacted reports of one machine could not be grouped by `aicert fleet`.
  inv.hostname = kRedacted;
  inv.dmi_product_serial = kRedacted;
  for (auto& d : inv.devices) {
    for (auto it = d.properties.begin(); it != d.properties.end();) {
      it = identifying(it->first) ? d.properties.erase(it) : std::next(it);
    }
  }
  redact_hwloc(inv.hwloc_xml);
}

void redact_scheduler(SchedulerJob& job) {
  if (!job.nodes.empty()) job.nodes = kRedacted;
  if (!job.cluster.empty()) job.cluster = kRedacted;
}

}  // namespace aicert
