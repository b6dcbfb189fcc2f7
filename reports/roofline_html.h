// The roofline chart of the HTML report: per device, log-log, arithmetic intensity (FLOP/B)
// against GFLOP/s, the device's measured ceilings (memory bandwidth slope, compute peak per
// dtype) as lines and every case with a roofline (reports/roofline.h) as a point, coloured by
// implementation, with the case id and its % of roofline as the point's tooltip. Inline SVG.
#pragma once

#include <sstream>

#include "reports/report.h"

namespace aicert {

// Writes an <h2>Roofline</h2> section with one chart per device that has cases with a
// roofline; nothing when none has.
void roofline_section(std::ostringstream& h, const Report& r);

}  // namespace aicert
