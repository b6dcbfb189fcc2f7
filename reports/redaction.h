// --redact: what a report leaves out when it is shared outside the owner's organisation:
// host names, serial numbers and UUIDs, in aicert's own fields and inside hwloc's XML.
#pragma once

#include "reports/inventory.h"
#include "reports/report.h"

namespace aicert {

inline constexpr const char* kRedacted = "redacted";

void redact_inventory(Inventory& inventory);
// The node list and cluster name of a scheduler's job are host names too.
void redact_scheduler(SchedulerJob& job);

}  // namespace aicert
