// What the CPU backend knows of the host processor: identity, core count, memory, caches and the
// SIMD features the GEMM dispatches on. Read from /proc, /sys and cpuid; never fails (unknown
// values stay empty or zero).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace aicert::cpu {

struct CacheSizes {
  std::size_t l1d = 0;  // per core, bytes
  std::size_t l2 = 0;   // per core, bytes
  std::size_t l3 = 0;   // shared, bytes
};

struct HostCpu {
  std::string model;     // /proc/cpuinfo "model name", e.g. "AMD EPYC"
  std::string vendor;    // /proc/cpuinfo "vendor_id", e.g. "AuthenticAMD"
  int logical_cpus = 0;  // online logical CPUs
  std::uint64_t memory_bytes = 0;
  CacheSizes caches;
  std::string simd_flags;  // the features that matter to the GEMM, e.g. "sse2 avx fma avx2"
  // The clock a nominal peak is estimated at: cpufreq's cpuinfo_max_freq (the highest the
  // core may run), else the clock measured (core_clock.h), else /proc/cpuinfo's "cpu MHz" (in
  // a VM the host's TSC clock); 0 when none is there. mhz_source names which.
  double nominal_mhz = 0;
  std::string mhz_source;
};

HostCpu probe_host_cpu();

// Cache sizes of CPU 0 from sysfs, falling back to sysconf, then to common sizes
// (32 KiB / 512 KiB / 8 MiB) for any level the system does not report.
CacheSizes host_cache_sizes();

}  // namespace aicert::cpu
