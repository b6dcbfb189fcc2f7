// Telemetry of an NVIDIA GPU through NVML, dlopen'ed at first use (libnvidia-ml.so.1 comes with
// the driver, not the toolkit; AICERT_NVML_LIBRARY names another file, as the tests' fake one).
// The GPU is found by its PCI bus id (the cuda backend's DeviceInfo). Per read: SM and memory
// clocks, temperature, power, total energy, and the clock event (throttle) reasons, counted per
// kind over the reads: thermal (SW/HW thermal slowdown), power-cap (SW power cap), power-brake
// (HW power brake), hw-slowdown (HW slowdown); volatile ECC error counts (uncorrected,
// corrected) and the PCIe replay counter where the GPU and library have them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "probes/nvml_api.h"
#include "probes/telemetry.h"

namespace aicert {

inline constexpr const char* kNvmlLibraryEnv = "AICERT_NVML_LIBRARY";

class NvmlTelemetry final : public TelemetrySource {
 public:
  // Null with the reason in *why_not: no library, an entry point missing, nvmlInit failed, no
  // GPU at that bus id.
  static std::unique_ptr<NvmlTelemetry> open(const std::string& pci_bus_id, std::string* why_not);
  ~NvmlTelemetry() override;

  std::string name() const override { return "nvml"; }
  TelemetrySample read() override;
  std::vector<std::string> unknown() const override;

 private:
  struct Api;
  NvmlTelemetry(std::unique_ptr<Api> api, nvml::Device device);
  // One query; on failure its NVML error is noted under `metric` and false returned.
  bool ok(nvml::Return r, const char* metric);
  void note(const std::string& what);  // once

  std::unique_ptr<Api> api_;
  nvml::Device device_;
  std::map<std::string, double> throttle_events_;  // kind -> reads that had it active
  std::vector<std::string> failures_;              // "temp-c: nvmlDeviceGetTemperature: ..."
};

}  // namespace aicert
