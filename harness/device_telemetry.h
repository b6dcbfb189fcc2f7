// Which telemetry source watches the device a case runs on: the host's CPU source for host
// devices (the cpu backend, OpenCL on the CPU), NVML for an NVIDIA GPU (found by its PCI bus
// id), and none, with the reason, for the rest. One source per device and worker process,
// kept for its later cases (NVML's initialisation is not free; cumulative counters carry on).
#pragma once

#include <memory>
#include <string>

#include "kernels/backend_api.h"
#include "probes/telemetry.h"

namespace aicert {

// Null with the reason in *why_not when the device has no source here.
std::shared_ptr<TelemetrySource> telemetry_source_for(Backend& backend, int device,
                                                      std::string* why_not);

}  // namespace aicert
