// The bandwidth figures of a data-movement case (collectives, stream): the bytes it moves and
// the bandwidths at its median time. algbw = bytes / time; busbw = algbw * bus_factor (for
// collectives see CollectiveSpec::bus_factor; 1 where no bus factor applies).
#pragma once

namespace aicert {

struct Bandwidth {
  double bytes = 0;
  double algbw_gbps = 0;  // GB/s (1e9 bytes per second)
  double busbw_gbps = 0;
  double bus_factor = 0;
  double latency_us = 0;  // the median time of one operation
};

// The figures of `bytes` moved in `median_ms` with the given bus factor; nothing for a time
// that is not positive.
inline Bandwidth bandwidth_at(double bytes, double bus_factor, double median_ms) {
  Bandwidth b;
  b.bytes = bytes;
  b.algbw_gbps = bytes / (median_ms * 1e6);
  b.bus_factor = bus_factor;
  b.busbw_gbps = b.algbw_gbps * bus_factor;
  b.latency_us = median_ms * 1e3;
  return b;
}

}  // namespace aicert
