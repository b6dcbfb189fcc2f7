// Machine identity: see machine_identity.h.
#include "probes/machine_identity.h"

#include <algorithm>
#include <cctype>

#include "probes/sysfs_read.h"
#include "workloads/sha256.h"

namespace aicert {

namespace {

// Values firmware writes when nobody set the field (seen on white-box boards and VMs).
bool placeholder(std::string value) {
  if (value == kUnknown || value.empty()) return true;
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // 00000000-0000-..., ffffffff-ffff-...
  if (value.find_first_not_of("0-") == std::string::npos) return true;
  if (value.find_first_not_of("f-") == std::string::npos) return true;
  for (const char* junk : {"to be filled", "not specified", "not settable", "default string",
                           "system serial number", "none", "n/a", "0123456789"}) {
    if (value.find(junk) != std::string::npos) return true;
  }
  return false;
}

std::string keyed_id(std::string_view source, std::string_view value) {
  // The key makes the id aicert's own: the same serial hashed by another tool gives another value.
  return "m-" + sha256_hex("aicert machine id v1\n" + std::string(source) + "\n" +
                           std::string(value)).substr(0, 32);
}

}  // namespace

void probe_machine_identity(Inventory& inventory, const MachineIdentityPaths& paths) {
  const std::pair<const char*, std::string> candidates[] = {
      {"dmi-product-uuid", read_first_line(paths.dmi_dir / "product_uuid")},
      {"dmi-product-serial", read_first_line(paths.dmi_dir / "product_serial")},
      {"etc-machine-id", read_first_line(paths.machine_id)},
      {"hostname", inventory.hostname},
  };
  for (const auto& [source, value] : candidates) {
    if (placeholder(value)) continue;
    inventory.machine_id = keyed_id(source, value);
    inventory.machine_id_source = source;
    return;
  }
  inventory.machine_id = kUnknown;
  inventory.machine_id_source = kUnknown;
}

std::string machine_id_problem(std::string_view id) {
  if (id.empty()) return "a machine id may not be empty";
  if (id.size() > 128) return "a machine id has at most 128 characters";
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return "a machine id has only letters, digits and . _ : - (found '" + std::string(1, c) +
             "')";
    }
  }
  return "";
}

void set_machine_id(Inventory& inventory, std::string_view id) {
  inventory.machine_id = std::string(id);
  inventory.machine_id_source = "option";
}

}  // namespace aicert
