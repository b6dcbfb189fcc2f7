// Telemetry of the host CPU from Linux's pseudo-files, under a root folder so that tests can
// hand it a fake tree (and a container can point it at the host's /sys mounted elsewhere):
//   core-mhz     mean of cpu*/cpufreq/scaling_cur_freq (kHz), else of /proc/cpuinfo "cpu MHz"
//   temp-c       hottest temp*_input of the hwmon chips coretemp, k10temp, zenpower (m°C)
//   energy-j     sum over RAPL package domains, /sys/class/powercap/intel-rapl:N/energy_uj,
//                wrapping at max_energy_range_uj (root-only on kernels since 5.10: then unknown)
//   thermal-throttle-events  growth of cpu*/thermal_throttle/{core,package}_throttle_count,
//                one file per core and per package (topology/core_id, physical_package_id)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "probes/telemetry.h"

namespace aicert {

// The environment variable naming the root ("/" when unset): AICERT_TELEMETRY_ROOT=/host.
inline constexpr const char* kTelemetryRootEnv = "AICERT_TELEMETRY_ROOT";
std::filesystem::path telemetry_root_from_env();

class CpuTelemetry final : public TelemetrySource {
 public:
  // Finds the files once; read() only reads them.
  explicit CpuTelemetry(std::filesystem::path root);

  std::string name() const override { return "cpu-sysfs"; }
  TelemetrySample read() override;
  std::vector<std::string> unknown() const override;

 private:
  struct EnergyCounter {
    std::filesystem::path file;
    double range_uj = 0;  // the counter wraps to 0 past this (0: range unknown)
    double last_uj = -1;  // previous raw value (-1: none yet)
    double total_uj = 0;  // accumulated since the first read
    bool broken = false;  // went back without a known range, or reset: no energy any more
  };
  // Reads one value per file, times `scale`, and returns their mean or max; false when none
  // could be read. A file that cannot be read is recorded in lost_ under `metric`.
  enum class Reduce { mean, max };
  bool read_all(const std::vector<std::filesystem::path>& files, const char* metric, double scale,
                Reduce how, double* out);
  void note_lost(const char* metric, const std::filesystem::path& file,
                 const char* why = "stopped being readable");

  std::filesystem::path root_;
  std::vector<std::filesystem::path> freq_files_;
  std::filesystem::path cpuinfo_;
  std::vector<std::filesystem::path> temp_files_;
  std::vector<EnergyCounter> energy_;
  // thermal_throttle counts are per logical CPU, but one event raises the package count in
  // every CPU of the package and the core count in every SMT sibling: one file per package
  // (package_throttle_count) and per core (core_throttle_count), and the events counted as the
  // growth of each, so a file that drops out and returns adds nothing old.
  struct ThrottleCounter {
    std::filesystem::path file;
    double last = -1;  // previous value (-1: none yet)
  };
  std::vector<ThrottleCounter> throttle_;
  double throttle_events_ = 0;
  std::vector<std::string> absent_;  // found missing at construction
  std::vector<std::string> lost_;    // failed during the run
};

}  // namespace aicert
