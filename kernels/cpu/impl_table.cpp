// The cpu backend's implementation table: for each implementation, what it refuses and how its
// kernel is built. CpuBackend::implementations() and make() read it (kernels/impl_table.h).
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "kernels/collective_fault.h"
#include "kernels/collective_timeout.h"
#include "kernels/cpu/blocked_kernel.h"
#include "kernels/cpu/blocking.h"
#include "kernels/cpu/cblas_kernel.h"
#include "kernels/cpu/collective_kernel.h"
#include "kernels/cpu/cpu_backend.h"
#include "kernels/cpu/flash_kernel.h"
#include "kernels/cpu/impl_names.h"
#include "kernels/cpu/micro_kernel_select.h"
#include "kernels/cpu/onednn_attention_kernel.h"
#include "kernels/cpu/onednn_gemm_kernel.h"
#include "kernels/cpu/peak_kernel.h"
#include "kernels/cpu/softmax_step.h"
#include "kernels/cpu/stream_kernel.h"

namespace aicert::cpu {

const ImplTable<CpuBackend>& CpuBackend::impl_table() {
  using Made = std::unique_ptr<Kernel>;
  // Lambdas of a member function: they may read the backend's private state.
  auto memory = [](const CpuBackend& b) { return static_cast<double>(b.host_.memory_bytes); };
  auto gemm_reason = [memory](const CpuBackend& b, const GemmSpec& g) -> std::string {
    if (std::string invalid = validate_gemm_spec(g, memory(b)); !invalid.empty()) {
      return "invalid GEMM case: " + invalid;
    }
    if (g.dtype == DType::fp8e4m3) {
      return "not supported: the cpu backend has no fp8 GEMM (fp8 inputs are for tensor cores; "
             "cuda:cublaslt runs them)";
    }
    return {};
  };
  // The micro-kernel of this CPU for the dtype (or AICERT_CPU_GEMM_ISA) and the cache blocking
  // around it.
  auto blocked_plan = [](const CpuBackend& b, DType dtype, std::string* why)
      -> std::optional<std::pair<const MicroKernel*, BlockSizes>> {
    const MicroKernel* k = select_gemm_micro_kernel(dtype, why);
    if (k == nullptr) return std::nullopt;
    const auto blocks = block_sizes_for(b.host_.caches, *k, why);
    if (!blocks) return std::nullopt;
    return std::make_pair(k, *blocks);
  };

  static const ImplTable<CpuBackend> table(
      "cpu",
      {
          impl_entry<GemmSpec, CpuBackend>(
              kBlockedImpl,
              [=](CpuBackend& b, const GemmSpec& g, int) {
                std::string why = gemm_reason(b, g);
                if (why.empty()) blocked_plan(b, g.dtype, &why);
                return why;
              },
              [=](CpuBackend& b, const GemmSpec& g, int, std::string* why) -> Made {
                const auto plan = blocked_plan(b, g.dtype, why);
                if (!plan) return nullptr;
                return std::make_unique<BlockedKernel>(g, *plan->first, plan->second, b.pool_);
              }),
          impl_entry<GemmSpec, CpuBackend>(
              kCblasImpl, [=](CpuBackend& b, const GemmSpec& g, int) { return gemm_reason(b, g); },
              [](CpuBackend& b, const GemmSpec& g, int, std::string* why) {
                return CblasKernel::make(g, b.pool_, why);  // refuses what OpenBLAS lacks
              }),
          impl_entry<GemmSpec, CpuBackend>(
              kOnednnImpl, [=](CpuBackend& b, const GemmSpec& g, int) { return gemm_reason(b, g); },
              [](CpuBackend& b, const GemmSpec& g, int, std::string* why) {
                // refuses what oneDNN has no kernel for
                return OnednnGemmKernel::make(g, static_cast<int>(b.pool_->size()), why);
              }),
          impl_entry<AttentionSpec, CpuBackend>(
              kFlashImpl,
              [=](CpuBackend& b, const AttentionSpec& a, int) -> std::string {
                if (std::string invalid = validate_attention_spec(a, memory(b)); !invalid.empty()) {
                  return "invalid attention case: " + invalid;
                }
                std::string why;
                select_micro_kernel_from_env(&why);
                return why;
              },
              [](CpuBackend& b, const AttentionSpec& a, int, std::string* why) -> Made {
                const MicroKernel* k = select_micro_kernel_from_env(why);
                if (k == nullptr) return nullptr;
                // bf16 on the AMX tiles where the GEMM takes them; the vdpbf16ps pair kernel
                // has no flash path (it lost its race to the fp32 kernel where it was tried).
                if (a.dtype == DType::bf16) {
                  const MicroKernel* k16 = select_gemm_micro_kernel(DType::bf16, nullptr);
                  if (k16 != nullptr && k16->format == PanelFormat::bf16_amx) k = k16;
                }
                return std::make_unique<FlashKernel>(a, *k, select_softmax_step(*k), b.pool_);
              }),
          impl_entry<AttentionSpec, CpuBackend>(
              kOnednnImpl,
              [=](CpuBackend& b, const AttentionSpec& a, int) -> std::string {
                if (std::string invalid = validate_attention_spec(a, memory(b)); !invalid.empty()) {
                  return "invalid attention case: " + invalid;
                }
                // Unfused: the whole score matrix is host memory too.
                const double scratch = OnednnAttentionKernel::scratch_bytes(a);
                if (a.operand_bytes() + scratch > memory(b)) {
                  return "not supported: cpu:onednn materialises " +
                         std::to_string(static_cast<long long>(scratch / (1 << 20))) +
                         " MiB of scores for " + a.shape_string() + ", more than this host has";
                }
                return {};
              },
              [](CpuBackend& b, const AttentionSpec& a, int, std::string* why) {
                return OnednnAttentionKernel::make(a, static_cast<int>(b.pool_->size()), why);
              }),
          impl_entry<CollectiveSpec, CpuBackend>(
              kShmCollectiveImpl,
              [=](CpuBackend& b, const CollectiveSpec& c, int) -> std::string {
                const std::string invalid = validate_collective_spec(c, memory(b));
                return invalid.empty() ? "" : "invalid collective case: " + invalid;
              },
              [](CpuBackend& b, const CollectiveSpec& c, int, std::string*) -> Made {
                return std::make_unique<CollectiveKernel>(
                    c, b.pinning(), collective_timeout_s(),
                    collective_fault_from_env(
                        kShmFaultEnv, {FaultKind::fail, FaultKind::hang, FaultKind::corrupt}));
              }),
          impl_entry<StreamSpec, CpuBackend>(
              kStreamImpl,
              [=](CpuBackend& b, const StreamSpec& s, int) -> std::string {
                const std::string invalid = validate_stream_spec(s, memory(b));
                return invalid.empty() ? "" : "invalid stream case: " + invalid;
              },
              [](CpuBackend& b, const StreamSpec& s, int, std::string*) -> Made {
                const std::size_t llc = b.host_.caches.l3 ? b.host_.caches.l3 : b.host_.caches.l2;
                return std::make_unique<StreamKernel>(s, b.pinning(), b.pool_->size(), llc);
              }),
          impl_entry<PeakSpec, CpuBackend>(
              kPeakImpl,
              [=](CpuBackend& b, const PeakSpec& p, int) -> std::string {
                if (std::string invalid = validate_peak_spec(p, memory(b)); !invalid.empty()) {
                  return "invalid peak case: " + invalid;
                }
                std::string why;
                select_peak_loop(p.unit, p.dtype, &why);
                return why;
              },
              [](CpuBackend& b, const PeakSpec& p, int, std::string* why) -> Made {
                const PeakLoop* loop = select_peak_loop(p.unit, p.dtype, why);
                if (loop == nullptr) return nullptr;
                return std::make_unique<PeakKernel>(p, *loop, b.pinning(), b.pool_->size());
              }),
      });
  return table;
}

}  // namespace aicert::cpu
