// NVML telemetry source: the library, its entry points, one read per sample.
#include "probes/telemetry_nvml.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>

namespace aicert {

struct NvmlTelemetry::Api {
  void* lib = nullptr;
  nvml::ShutdownFn shutdown = nullptr;  // set once nvmlInit succeeded: the destructor calls it
  nvml::ErrorStringFn error_string = nullptr;
  nvml::HandleByPciBusIdFn by_bus_id = nullptr;
  nvml::ClockInfoFn clock = nullptr;
  nvml::TemperatureFn temperature = nullptr;
  nvml::PowerUsageFn power = nullptr;
  nvml::TotalEnergyFn energy = nullptr;
  nvml::ClockReasonsFn reasons = nullptr;
  nvml::TotalEccErrorsFn ecc = nullptr;          // optional: null where the library lacks it
  nvml::PcieReplayCounterFn replays = nullptr;   // optional
  const char* reasons_name = "";

  std::string error(nvml::Return r) const {
    const char* text = error_string ? error_string(r) : nullptr;
    return (text ? std::string(text) : "error") + " (" + std::to_string(r) + ")";
  }
  ~Api() {
    if (shutdown) shutdown();
    if (lib) dlclose(lib);
  }
};

namespace {

template <class Fn>
bool bind(void* lib, const char* name, Fn* fn) {
  *fn = reinterpret_cast<Fn>(dlsym(lib, name));
  return *fn != nullptr;
}

}  // namespace

std::unique_ptr<NvmlTelemetry> NvmlTelemetry::open(const std::string& pci_bus_id,
                                                   std::string* why_not) {
  const char* env = std::getenv(kNvmlLibraryEnv);
  const std::string file = env && *env ? env : "libnvidia-ml.so.1";
  auto api = std::make_unique<Api>();
  api->lib = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (api->lib == nullptr) {
    if (why_not) *why_not = "no NVML: " + file + " not found (it comes with the NVIDIA driver)";
    return nullptr;
  }
  // Every entry point before nvmlInit, so that a failed open leaves nothing to shut down.
  nvml::InitFn init = nullptr;
  nvml::ShutdownFn shutdown = nullptr;
  for (const auto& [name, ok] :
       {std::pair<const char*, bool>{"nvmlInit_v2", bind(api->lib, "nvmlInit_v2", &init)},
        {"nvmlShutdown", bind(api->lib, "nvmlShutdown", &shutdown)},
        {"nvmlErrorString", bind(api->lib, "nvmlErrorString", &api->error_string)},
        {"nvmlDeviceGetHandleByPciBusId_v2",
         bind(api->lib, "nvmlDeviceGetHandleByPciBusId_v2", &api->by_bus_id)},
        {"nvmlDeviceGetClockInfo", bind(api->lib, "nvmlDeviceGetClockInfo", &api->clock)},
        {"nvmlDeviceGetTemperature", bind(api->lib, "nvmlDeviceGetTemperature", &api->temperature)},
        {"nvmlDeviceGetPowerUsage", bind(api->lib, "nvmlDeviceGetPowerUsage", &api->power)},
        {"nvmlDeviceGetTotalEnergyConsumption",
         bind(api->lib, "nvmlDeviceGetTotalEnergyConsumption", &api->energy)}}) {
    if (!ok) {
      if (why_not) *why_not = "NVML " + file + " lacks " + name;
      return nullptr;
    }
  }
  api->reasons_name = "nvmlDeviceGetCurrentClocksEventReasons";
  if (!bind(api->lib, api->reasons_name, &api->reasons)) {
    api->reasons_name = "nvmlDeviceGetCurrentClocksThrottleReasons";  // before NVML 12.2
    if (!bind(api->lib, api->reasons_name, &api->reasons)) {
      if (why_not) *why_not = "NVML " + file + " has no clock event or throttle reason query";
      return nullptr;
    }
  }
  bind(api->lib, "nvmlDeviceGetTotalEccErrors", &api->ecc);
  bind(api->lib, "nvmlDeviceGetPcieReplayCounter", &api->replays);
  if (const nvml::Return r = init(); r != nvml::kSuccess) {
    if (why_not) *why_not = "nvmlInit_v2 failed: " + api->error(r);
    return nullptr;
  }
  api->shutdown = shutdown;  // from here on the destructor shuts NVML down
  nvml::Device device = nullptr;
  if (const nvml::Return r = api->by_bus_id(pci_bus_id.c_str(), &device); r != nvml::kSuccess) {
    if (why_not) *why_not = "NVML has no GPU at PCI " + pci_bus_id + ": " + api->error(r);
    return nullptr;
  }
  return std::unique_ptr<NvmlTelemetry>(new NvmlTelemetry(std::move(api), device));
}

NvmlTelemetry::NvmlTelemetry(std::unique_ptr<Api> api, nvml::Device device)
    : api_(std::move(api)), device_(device) {
  for (const char* kind : kThrottleKinds) throttle_events_[kind] = 0;
}

NvmlTelemetry::~NvmlTelemetry() = default;

void NvmlTelemetry::note(const std::string& what) {
  if (std::find(failures_.begin(), failures_.end(), what) == failures_.end()) {
    failures_.push_back(what);
  }
}

bool NvmlTelemetry::ok(nvml::Return r, const char* metric) {
  if (r == nvml::kSuccess) return true;
  note(std::string(metric) + ": " + api_->error(r));
  return false;
}

TelemetrySample NvmlTelemetry::read() {
  TelemetrySample s;
  unsigned int u = 0;
  if (ok(api_->clock(device_, nvml::kClockSm, &u), kCoreMhz)) s.values[kCoreMhz] = u;
  if (ok(api_->clock(device_, nvml::kClockMem, &u), kMemMhz)) s.values[kMemMhz] = u;
  if (ok(api_->temperature(device_, nvml::kTemperatureGpu, &u), kTempC)) s.values[kTempC] = u;
  if (ok(api_->power(device_, &u), kPowerW)) s.values[kPowerW] = u * 1e-3;
  unsigned long long mj = 0;
  if (ok(api_->energy(device_, &mj), kEnergyJ)) s.values[kEnergyJ] = static_cast<double>(mj) * 1e-3;
  unsigned long long bits = 0;
  if (ok(api_->reasons(device_, &bits), "throttle-reasons")) {
    using namespace nvml;
    if (bits & (kReasonSwThermalSlowdown | kReasonHwThermalSlowdown)) ++throttle_events_["thermal"];
    if (bits & kReasonSwPowerCap) ++throttle_events_["power-cap"];
    if (bits & kReasonHwPowerBrakeSlowdown) ++throttle_events_["power-brake"];
    if (bits & kReasonHwSlowdown) ++throttle_events_["hw-slowdown"];
    for (const auto& [kind, count] : throttle_events_) {
      s.values[kind + std::string(kThrottleEventsSuffix)] = count;
    }
  }
  // Error counters: a GPU without ECC (or ECC off) answers Not Supported, noted once.
  unsigned long long count = 0;
  if (!api_->ecc) {
    note("ecc: this NVML has no nvmlDeviceGetTotalEccErrors");
  } else {
    if (ok(api_->ecc(device_, nvml::kMemoryErrorUncorrected, nvml::kVolatileEcc, &count), kEccUncorrected)) {
      s.values[kEccUncorrected] = static_cast<double>(count);
    }
    if (ok(api_->ecc(device_, nvml::kMemoryErrorCorrected, nvml::kVolatileEcc, &count), kEccCorrected)) {
      s.values[kEccCorrected] = static_cast<double>(count);
    }
  }
  if (api_->replays && ok(api_->replays(device_, &u), kPcieReplays)) s.values[kPcieReplays] = u;
  return s;
}

std::vector<std::string> NvmlTelemetry::unknown() const { return failures_; }

}  // namespace aicert
