// A stable identity of the machine, so that two reports of one machine are recognised as one
// member of a fleet even when their host names are redacted. The id is a keyed SHA-256 of the
// first identifier the machine has (DMI product UUID, DMI product serial, systemd's
// /etc/machine-id, the host name), never the identifier itself: it groups reports without
// disclosing a serial number, and so survives `--redact`. `--machine-id` sets it verbatim
// (an asset tag, a rack position) for machines whose firmware identity is blank or shared.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "reports/inventory.h"

namespace aicert {

struct MachineIdentityPaths {
  std::filesystem::path dmi_dir = "/sys/class/dmi/id";
  std::filesystem::path machine_id = "/etc/machine-id";
};

// Fills inventory.machine_id and machine_id_source from the first usable identifier; the host
// name (already probed) is the last resort. Placeholder DMI values ("To be filled by O.E.M.",
// all zeros) are not identifiers: many boards ship them.
void probe_machine_identity(Inventory& inventory, const MachineIdentityPaths& paths = {});

// "" when `id` may be given as --machine-id (1 to 128 of [A-Za-z0-9._:-]), else what is wrong.
std::string machine_id_problem(std::string_view id);

// Sets an id the user gave (checked by machine_id_problem first); source "option".
void set_machine_id(Inventory& inventory, std::string_view id);

}  // namespace aicert
