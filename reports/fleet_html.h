// The fleet page (`aicert fleet --html`): the verdict and its outliers named first, then status
// and system differences, the cross-hardware table, a strip plot per headline group and the
// machines. One self-contained file like the report page: inline CSS and SVG, no script, no
// request to any host, every text escaped.
#pragma once

#include <string>

#include "reports/fleet.h"

namespace aicert {

std::string fleet_html(const FleetAnalysis& fleet);

}  // namespace aicert
