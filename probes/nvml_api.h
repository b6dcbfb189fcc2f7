// The few NVML entry points the telemetry source calls, declared here instead of including
// nvml.h (not installed on machines without the NVIDIA driver's development files): names,
// signatures and constants as in NVML 12.x's nvml.h (r535 and later; the clock *event* reason
// query is the 12.2 name of the older *throttle* reason query, same signature and bits).
#pragma once

namespace aicert::nvml {

using Return = int;  // nvmlReturn_t
inline constexpr Return kSuccess = 0;

struct DeviceSt;
using Device = DeviceSt*;  // nvmlDevice_t

inline constexpr int kClockSm = 1;         // NVML_CLOCK_SM
inline constexpr int kClockMem = 2;        // NVML_CLOCK_MEM
inline constexpr int kTemperatureGpu = 0;  // NVML_TEMPERATURE_GPU

// nvmlClocksEventReason* / nvmlClocksThrottleReason* bits.
inline constexpr unsigned long long kReasonSwPowerCap = 0x4;
inline constexpr unsigned long long kReasonHwSlowdown = 0x8;
inline constexpr unsigned long long kReasonSwThermalSlowdown = 0x20;
inline constexpr unsigned long long kReasonHwThermalSlowdown = 0x40;
inline constexpr unsigned long long kReasonHwPowerBrakeSlowdown = 0x80;

using InitFn = Return (*)();                                            // nvmlInit_v2
using ShutdownFn = Return (*)();                                        // nvmlShutdown
using ErrorStringFn = const char* (*)(Return);                          // nvmlErrorString
using HandleByPciBusIdFn = Return (*)(const char*, Device*);            // ..._v2
using ClockInfoFn = Return (*)(Device, int, unsigned int*);             // MHz
using TemperatureFn = Return (*)(Device, int, unsigned int*);           // °C
using PowerUsageFn = Return (*)(Device, unsigned int*);                 // mW
using TotalEnergyFn = Return (*)(Device, unsigned long long*);          // mJ since driver load
using ClockReasonsFn = Return (*)(Device, unsigned long long*);         // bit mask
// nvmlDeviceGetTotalEccErrors(device, nvmlMemoryErrorType_t, nvmlEccCounterType_t, count)
using TotalEccErrorsFn = Return (*)(Device, int, int, unsigned long long*);
inline constexpr int kMemoryErrorCorrected = 0;    // NVML_MEMORY_ERROR_TYPE_CORRECTED
inline constexpr int kMemoryErrorUncorrected = 1;  // NVML_MEMORY_ERROR_TYPE_UNCORRECTED
inline constexpr int kVolatileEcc = 0;             // NVML_VOLATILE_ECC: since the driver loaded
using PcieReplayCounterFn = Return (*)(Device, unsigned int*);  // nvmlDeviceGetPcieReplayCounter

}  // namespace aicert::nvml
