// The per-device telemetry source, chosen once per worker process.
#include "harness/device_telemetry.h"

#include <map>
#include <mutex>

#include "probes/telemetry_cpu.h"
#include "probes/telemetry_nvml.h"

namespace aicert {
namespace {

struct Chosen {
  std::shared_ptr<TelemetrySource> source;
  std::string why_not;
};

Chosen choose(const DeviceInfo& d) {
  Chosen c;
  if (d.kind != "gpu" && d.kind != "accelerator") {
    c.source = std::make_shared<CpuTelemetry>(telemetry_root_from_env());
    return c;
  }
  const bool nvidia = d.vendor.find("NVIDIA") != std::string::npos ||
                      d.name.find("NVIDIA") != std::string::npos;
  if (nvidia) {
    if (d.pci_bus_id.empty()) {
      c.why_not = "no telemetry: the device has no PCI bus id to find it in NVML by";
      return c;
    }
    c.source = NvmlTelemetry::open(d.pci_bus_id, &c.why_not);
    if (!c.source) c.why_not = "no telemetry: " + c.why_not;
    return c;
  }
  c.why_not = "no telemetry source for " + d.vendor + " " + d.kind +
              "s in this aicert (rocm-smi and Level Zero Sysman are not wired yet)";
  return c;
}

}  // namespace

std::shared_ptr<TelemetrySource> telemetry_source_for(Backend& backend, int device,
                                                      std::string* why_not) {
  static std::mutex mutex;
  static std::map<std::string, Chosen> chosen;  // by backend name and device index
  const std::string key = std::string(backend.name()) + "/" + std::to_string(device);
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = chosen.find(key);
  if (it == chosen.end()) {
    // The device's description only the first time: a backend builds it anew on each call.
    for (const DeviceInfo& d : backend.devices()) {
      if (d.index == device) it = chosen.emplace(key, choose(d)).first;
    }
  }
  if (it == chosen.end()) {
    if (why_not) *why_not = "no telemetry: device " + std::to_string(device) + " not found";
    return nullptr;
  }
  if (!it->second.source && why_not) *why_not = it->second.why_not;
  return it->second.source;
}

}  // namespace aicert
