// --redact: what a report leaves out when it is shared outside the owner's organisation:
// host names, serial numbers and UUIDs, in aicert's own fields and inside hwloc's XML.
#pragma once

#include "reports/inventory.h"

namespace aicert {

inline constexpr const char* kRedacted = "redacted";

void redact_inventory(Inventory& inventory);

}  // namespace aicert
