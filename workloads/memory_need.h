// How a workload says that a case needs more memory than there is: one wording and one unit
// choice ("needs 41.7 GiB, more than the 22.3 GiB available") for every workload and device.
#pragma once

#include <string>

namespace aicert {

// "100 B", "4.0 KiB", "512.0 MiB", "41.7 GiB", "1.0 TiB".
std::string memory_text(double bytes);

// "needs <needed>, more than the <available> available".
std::string memory_shortfall(double needed, double available);

}  // namespace aicert
