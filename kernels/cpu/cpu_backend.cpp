// CPU backend: host device description and the factory of the GEMM kernels.
#include "kernels/cpu/cpu_backend.h"

#include <cstdlib>
#include <stdexcept>
#include <variant>

#include "kernels/collective_fault.h"
#include "kernels/collective_timeout.h"
#include "kernels/cpu/blocked_kernel.h"
#include "kernels/cpu/blocking.h"
#include "kernels/cpu/cblas_kernel.h"
#include "kernels/cpu/collective_kernel.h"
#include "kernels/cpu/flash_kernel.h"
#include "kernels/cpu/micro_kernel_select.h"
#include "kernels/cpu/openblas_library.h"
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
  return compiler_version() + "; " + openblas_config();
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
    const auto blocks = block_sizes_for(host_.caches, k->mr, k->nr, &why);
    d.properties["gemm_blocking"] = blocks ? blocks->to_string() : "invalid: " + why;
  } else {
    d.properties["gemm_isa"] = "none: " + why;
  }
  return {d};
}

std::vector<std::string> CpuBackend::implementations(std::string_view workload) const {
  if (workload == "gemm") return {std::string(kBlockedImpl), std::string(kCblasImpl)};
  if (workload == "attention") return {std::string(kFlashImpl)};
  if (workload == "collective") return {std::string(kShmCollectiveImpl)};
  return {};
}

std::unique_ptr<Kernel> CpuBackend::make(const CaseSpec& spec, int device, std::string_view impl,
                                         std::string* why_not) {
  auto fail = [&](std::string reason) -> std::unique_ptr<Kernel> {
    if (why_not) *why_not = std::move(reason);
    return nullptr;
  };
  if (device != 0) {
    return fail("the cpu backend has one device (index 0), not " + std::to_string(device));
  }
  if (const auto* attention = std::get_if<AttentionSpec>(&spec.spec)) {
    const std::string invalid =
        validate_attention_spec(*attention, static_cast<double>(host_.memory_bytes));
    if (!invalid.empty()) return fail("invalid attention case: " + invalid);
    if (impl != kFlashImpl) {
      return fail("the cpu backend has no attention implementation '" + std::string(impl) +
                  "' (it has cpu:flash)");
    }
    std::string why;
    const MicroKernel* k = select_micro_kernel_from_env(&why);
    if (k == nullptr) return fail(why);
    return std::make_unique<FlashKernel>(*attention, *k, select_softmax_step(*k), pool_);
  }
  if (const auto* coll = std::get_if<CollectiveSpec>(&spec.spec)) {
    return make_collective(*coll, impl, why_not);
  }
  const auto* gemm = std::get_if<GemmSpec>(&spec.spec);
  if (gemm == nullptr) {
    return fail("the cpu backend implements no " + std::string(workload_name(spec.spec)));
  }
  const std::string invalid = validate_gemm_spec(*gemm, static_cast<double>(host_.memory_bytes));
  if (!invalid.empty()) return fail("invalid GEMM case: " + invalid);
  if (gemm->dtype == DType::fp8e4m3) {
    return fail(
        "not supported: the cpu backend has no fp8 GEMM (fp8 inputs are for tensor "
        "cores; cuda:cublaslt runs them)");
  }
  if (impl == kBlockedImpl) {
    std::string why;
    const MicroKernel* k = select_micro_kernel_from_env(&why);
    if (k == nullptr) return fail(why);
    const auto blocks = block_sizes_for(host_.caches, k->mr, k->nr, &why);
    if (!blocks) return fail(why);
    return std::make_unique<BlockedKernel>(*gemm, *k, *blocks, pool_);
  }
  if (impl == kCblasImpl) return CblasKernel::make(*gemm, pool_, why_not);
  return fail("the cpu backend has no implementation '" + std::string(impl) +
              "' (it has cpu:blocked, cpu:cblas)");
}

std::unique_ptr<Kernel> CpuBackend::make_collective(const CollectiveSpec& spec,
                                                    std::string_view impl, std::string* why_not) {
  auto fail = [&](std::string reason) -> std::unique_ptr<Kernel> {
    if (why_not) *why_not = std::move(reason);
    return nullptr;
  };
  if (impl != kShmCollectiveImpl) {
    return fail("the cpu backend has no collective implementation '" + std::string(impl) +
                "' (it has cpu:shm)");
  }
  const std::string invalid =
      validate_collective_spec(spec, static_cast<double>(host_.memory_bytes));
  if (!invalid.empty()) return fail("invalid collective case: " + invalid);
  if (!pinning_) pinning_ = std::make_shared<const CorePinning>();
  return std::make_unique<CollectiveKernel>(
      spec, pinning_, collective_timeout_s(),
      collective_fault_from_env(kShmFaultEnv,
                                {FaultKind::fail, FaultKind::hang, FaultKind::corrupt}));
}

}  // namespace aicert::cpu
