// CPU backend: the host device description; its kernels come from its table (impl_table.cpp).
#include "kernels/cpu/cpu_backend.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "kernels/cpu/blocking.h"
#include "kernels/cpu/micro_kernel_select.h"
#include "kernels/cpu/onednn_library.h"
#include "kernels/cpu/openblas_library.h"
#include "kernels/cpu/peak_loops.h"
#include "kernels/cpu/softmax_step.h"

namespace aicert::cpu {
namespace {

std::string compiler_version() {
#if defined(__clang__)
  return "Clang " __clang_version__;
#elif defined(__GNUC__)
  return "GCC " __VERSION__;
#else
  return "unknown compiler";
#endif
}

constexpr const char* kThreadsEnv = "AICERT_CPU_THREADS";

int thread_count() {
  const char* text = std::getenv(kThreadsEnv);
  if (text == nullptr) return ThreadPool::available_cpus();
  char* end = nullptr;
  const long n = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || n < 1 || n > 4096) {
    throw std::invalid_argument(std::string(kThreadsEnv) + "='" + text +
                                "' is not a thread count (1 to 4096)");
  }
  return static_cast<int>(n);
}

}  // namespace

CpuBackend::CpuBackend()
    : host_(probe_host_cpu()), pool_(std::make_shared<ThreadPool>(thread_count())) {}

std::string CpuBackend::runtime_version() const {
  return compiler_version() + "; " + openblas_config() + "; oneDNN " + onednn_version() +
         " dispatching to " + onednn_isa();
}

std::vector<DeviceInfo> CpuBackend::devices() {
  DeviceInfo d;
  d.index = 0;
  d.name = host_.model.empty() ? "host CPU" : host_.model;
  d.vendor = host_.vendor;
  d.kind = "cpu";
  d.memory_bytes = host_.memory_bytes;
  d.compute_units = host_.logical_cpus;
  d.properties["threads"] = std::to_string(pool_->size());
  d.properties["l1d_bytes"] = std::to_string(host_.caches.l1d);
  d.properties["l2_bytes"] = std::to_string(host_.caches.l2);
  d.properties["l3_bytes"] = std::to_string(host_.caches.l3);
  d.properties["simd"] = host_.simd_flags;
  d.properties["openblas_core"] = openblas_corename();
  std::string why;
  if (const MicroKernel* k = select_micro_kernel_from_env(&why)) {
    d.properties["gemm_isa"] = k->isa;
    d.properties["attention_softmax_isa"] = select_softmax_step(*k).isa;
    d.properties["gemm_micro_tile"] = std::to_string(k->mr) + "x" + std::to_string(k->nr);
    const MicroKernel* bf16 = select_gemm_micro_kernel(DType::bf16, &why);
    const char* how = bf16 == nullptr                            ? ""
                      : bf16->format == PanelFormat::bf16_amx   ? " (AMX tiles, TDPBF16PS)"
                      : bf16->format == PanelFormat::bf16_pairs ? " (vdpbf16ps on bf16 pairs)"
                                                                : " (bf16 widened to fp32)";
    d.properties["gemm_bf16_isa"] = bf16 == nullptr ? "none: " + why : bf16->isa + std::string(how);
    d.properties["gemm_bf16_kernels"] = describe_bf16_kernels();
    if (bf16 != nullptr && bf16 != k) {
      const auto bf16_blocks = block_sizes_for(host_.caches, *bf16, &why);
      d.properties["gemm_bf16_blocking"] = bf16_blocks ? bf16_blocks->to_string() : "invalid: " + why;
    }
    const auto blocks = block_sizes_for(host_.caches, *k, &why);
    d.properties["gemm_blocking"] = blocks ? blocks->to_string() : "invalid: " + why;
  } else {
    d.properties["gemm_isa"] = "none: " + why;
  }
  add_nominal_peaks(d);
  return {d};
}

// For each unit and dtype that has a peak loop here, the nominal peak it should reach, stated as
// the estimate it is: cores x clock x the loop's FLOP per core and cycle (peak_loops.h).
void CpuBackend::add_nominal_peaks(DeviceInfo& d) {
  if (!(host_.nominal_mhz > 0)) return;
  const int cores = per_core_team_size(*pinning(), pool_->size());
  for (PeakUnit unit : {PeakUnit::vector, PeakUnit::matrix}) {
    for (DType dtype : {DType::fp32, DType::bf16, DType::fp16}) {
      const PeakLoop* loop = select_peak_loop(unit, dtype, nullptr);
      if (loop == nullptr || !(loop->flops_per_cycle > 0)) continue;
      const std::string key =
          std::string(peak_unit_name(unit)) + "." + std::string(dtype_name(dtype));
      const double gflops = cores * host_.nominal_mhz * loop->flops_per_cycle / 1000.0;
      char value[32];
      std::snprintf(value, sizeof value, "%.1f", gflops);
      char mhz[32];
      std::snprintf(mhz, sizeof mhz, "%.0f", host_.nominal_mhz);
      d.properties["nominal_peak_gflops." + key] = value;
      d.properties["nominal_peak_formula." + key] =
          std::to_string(cores) + " cores x " + mhz + " MHz (" + host_.mhz_source + ") x " +
          std::to_string(static_cast<int>(loop->flops_per_cycle)) + " FLOP/cycle (" + loop->isa +
          ": " + loop->flops_formula + ")";
    }
  }
}

const std::shared_ptr<const CorePinning>& CpuBackend::pinning() {
  if (!pinning_) pinning_ = std::make_shared<const CorePinning>();
  return pinning_;
}

std::vector<std::string> CpuBackend::implementations(std::string_view workload) const {
  return impl_table().implementations(workload);
}

std::unique_ptr<Kernel> CpuBackend::make(const CaseSpec& spec, int device, std::string_view impl,
                                         std::string* why_not) {
  if (device != 0) {
    if (why_not) {
      *why_not = "the cpu backend has one device (index 0), not " + std::to_string(device);
    }
    return nullptr;
  }
  return impl_table().make(*this, spec, device, impl, why_not);
}

}  // namespace aicert::cpu
