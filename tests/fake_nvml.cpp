// A stand-in for libnvidia-ml.so.1, built only for the telemetry tests (AICERT_NVML_LIBRARY
// points the NVML source at it): one GPU at PCI 0000:17:00.0 with fixed clocks, temperature
// and power, an energy counter that advances 1 J per read, clock event reasons and a "GPU is
// lost" failure, ECC and PCIe replay counters the test sets through fake_nvml_control(). Built
// twice: as NVML 12.2+ (clock *event* reasons) and, with FAKE_NVML_BEFORE_12_2, as an older one
// (*throttle* reasons, no error counters).
#include <cstring>

namespace {

struct Device {
  int unused = 0;
};
Device gpu;
bool init_fails = false;
unsigned long long reasons = 0;
int lost_after_reads = -1;  // temperature reads before the GPU "is lost" (-1: never)
int temperature_reads = 0;
unsigned long long energy_mj = 5000000;
[[maybe_unused]] unsigned long long ecc_uncorrected = 0, ecc_corrected = 7;
[[maybe_unused]] unsigned int pcie_replays = 100;

constexpr int kSuccess = 0, kErrorNotFound = 6, kErrorGpuIsLost = 15, kErrorUnknown = 999;

}  // namespace

extern "C" {

// what: "init-fails", "reasons", "lost-after" (temperature reads), "reset".
void fake_nvml_control(const char* what, unsigned long long value) {
  if (std::strcmp(what, "init-fails") == 0) init_fails = value != 0;
  if (std::strcmp(what, "reasons") == 0) reasons = value;
  if (std::strcmp(what, "lost-after") == 0) lost_after_reads = static_cast<int>(value);
  if (std::strcmp(what, "ecc-uncorrected") == 0) ecc_uncorrected = value;
  if (std::strcmp(what, "pcie-replay") == 0) pcie_replays = static_cast<unsigned int>(value);
  if (std::strcmp(what, "reset") == 0) {
    init_fails = false;
    reasons = 0;
    lost_after_reads = -1;
    temperature_reads = 0;
    ecc_uncorrected = 0;
    pcie_replays = 100;
  }
}

int nvmlInit_v2() { return init_fails ? kErrorUnknown : kSuccess; }
int nvmlShutdown() { return kSuccess; }

const char* nvmlErrorString(int r) {
  switch (r) {
    case kSuccess: return "Success";
    case kErrorNotFound: return "Not Found";
    case kErrorGpuIsLost: return "GPU is lost";
    default: return "Unknown Error";
  }
}

int nvmlDeviceGetHandleByPciBusId_v2(const char* bus_id, void** device) {
  if (std::strcmp(bus_id, "0000:17:00.0") != 0) return kErrorNotFound;
  *device = &gpu;
  return kSuccess;
}

int nvmlDeviceGetClockInfo(void*, int type, unsigned int* mhz) {
  *mhz = type == 1 ? 1980 : 2619;  // SM, memory
  return kSuccess;
}

int nvmlDeviceGetTemperature(void*, int, unsigned int* celsius) {
  if (lost_after_reads >= 0 && temperature_reads++ >= lost_after_reads) return kErrorGpuIsLost;
  *celsius = 65;
  return kSuccess;
}

int nvmlDeviceGetPowerUsage(void*, unsigned int* milliwatts) {
  *milliwatts = 350000;
  return kSuccess;
}

int nvmlDeviceGetTotalEnergyConsumption(void*, unsigned long long* millijoules) {
  energy_mj += 1000;
  *millijoules = energy_mj;
  return kSuccess;
}

#if !defined(FAKE_NVML_BEFORE_12_2)  // the old stand-in also lacks the error counters
int nvmlDeviceGetTotalEccErrors(void*, int type, int counter, unsigned long long* count) {
  if (counter != 0) return kErrorUnknown;  // only the volatile counts are asked for
  *count = type == 1 ? ecc_uncorrected : ecc_corrected;
  return kSuccess;
}

int nvmlDeviceGetPcieReplayCounter(void*, unsigned int* value) {
  *value = pcie_replays;
  return kSuccess;
}
#endif

#if defined(FAKE_NVML_BEFORE_12_2)
int nvmlDeviceGetCurrentClocksThrottleReasons(void*, unsigned long long* bits) {
#else
int nvmlDeviceGetCurrentClocksEventReasons(void*, unsigned long long* bits) {
#endif
  *bits = reasons;
  return kSuccess;
}

}  // extern "C"
