// One link of a point-to-point sweep (collective op `pairs`): ranks a < b exchanged the case's
// message both ways, alone on the network, and this is the median time of one exchange and
// the bandwidth of each direction (bytes / time). A backend's kernel reports them
// (Kernel::link_timings); the report names the slow links and ranks from them
// (reports/link_finding.h).
#pragma once

namespace aicert {

struct LinkTiming {
  int a = 0, b = 0;  // ranks, a < b
  double median_ms = 0;
  double gbps = 0;  // 1e9 bytes/s each way
};

}  // namespace aicert
