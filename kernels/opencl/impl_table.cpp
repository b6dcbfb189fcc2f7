// The opencl backend's implementation table: for each implementation, what it refuses and how
// its kernel is built. OpenClBackend::implementations() and make() read it
// (kernels/impl_table.h).
#include <memory>
#include <string>
#include <vector>

#include "kernels/opencl/flash_attention_kernel.h"
#include "kernels/opencl/gemm_support.h"
#include "kernels/opencl/host_staged_collective.h"
#include "kernels/opencl/impl_names.h"
#include "kernels/opencl/opencl_backend.h"
#include "kernels/opencl/stream_kernel.h"
#include "kernels/opencl/tiled_gemm_kernel.h"
#ifdef AICERT_HAVE_CLBLAST
#include "kernels/opencl/clblast_gemm_kernel.h"
#endif

namespace aicert::opencl {

namespace {
// The ranks of a collective from `device`: the devices of its platform, in order (empty for a
// device that does not exist).
std::vector<int> platform_members(const Enumeration& e, int device) {
  std::vector<int> members;
  if (device < 0 || static_cast<std::size_t>(device) >= e.devices.size()) return members;
  const cl_platform_id platform = e.devices[static_cast<std::size_t>(device)].platform;
  for (const ClDevice& d : e.devices) {
    if (d.platform == platform) members.push_back(d.index);
  }
  return members;
}
}  // namespace

const ImplTable<OpenClBackend>& OpenClBackend::impl_table() {
  using Made = std::unique_ptr<Kernel>;
  // context() throws std::out_of_range for a device that does not exist: a real failure.
  auto gemm_reason = [](std::string_view impl) {
    return [impl](OpenClBackend& b, const GemmSpec& g, int device) {
      return gemm_unsupported_reason(b.context(device)->caps(), g, impl);
    };
  };

  static const ImplTable<OpenClBackend> table(
      "opencl",
      {
          impl_entry<GemmSpec, OpenClBackend>(
              kTiledImpl, gemm_reason(kTiledImpl),
              [](OpenClBackend& b, const GemmSpec& g, int device, std::string*) -> Made {
                return std::make_unique<TiledGemmKernel>(b.context(device), b.cache_, g);
              }),
#ifdef AICERT_HAVE_CLBLAST
          impl_entry<GemmSpec, OpenClBackend>(
              kClblastImpl, gemm_reason(kClblastImpl),
              [](OpenClBackend& b, const GemmSpec& g, int device, std::string*) -> Made {
                return std::make_unique<ClblastGemmKernel>(b.context(device), g);
              }),
#endif
          impl_entry<AttentionSpec, OpenClBackend>(
              kFlashImpl,
              [](OpenClBackend& b, const AttentionSpec& a, int device) -> std::string {
                if (std::string invalid = validate_attention_spec(a, 1e300); !invalid.empty()) {
                  return "invalid attention case: " + invalid;
                }
                return flash_unsupported_reason(b.context(device)->caps(), a);
              },
              [](OpenClBackend& b, const AttentionSpec& a, int device, std::string*) -> Made {
                return std::make_unique<FlashAttentionKernel>(b.context(device), b.cache_, a);
              }),
          impl_entry<StreamSpec, OpenClBackend>(
              kStreamImpl,
              [](OpenClBackend& b, const StreamSpec& s, int device) -> std::string {
                return stream_unsupported_reason(b.context(device)->caps(), s);
              },
              [](OpenClBackend& b, const StreamSpec& s, int device, std::string*) -> Made {
                return std::make_unique<StreamKernel>(b.context(device), b.cache_, s);
              }),
          impl_entry<CollectiveSpec, OpenClBackend>(
              kHostStagedImpl,
              [](OpenClBackend& b, const CollectiveSpec& c, int device) -> std::string {
                const std::vector<int> members = platform_members(b.enumeration_, device);
                if (members.empty()) return "no OpenCL device " + std::to_string(device);
                if (members.front() != device) {
                  return "not supported: collectives over platform devices run from its first "
                         "device (" + std::to_string(members.front()) + ")";
                }
                if (c.ranks > static_cast<int>(members.size())) {
                  return "not supported: " + std::to_string(c.ranks) +
                         " ranks, but the platform has " + std::to_string(members.size()) +
                         " device(s) (PoCL: POCL_DEVICES=\"pthread pthread\" gives two)";
                }
                const std::string why = validate_collective_spec(c, 1e15);
                return why.empty() ? "" : "invalid collective case: " + why;
              },
              [](OpenClBackend& b, const CollectiveSpec& c, int device, std::string*) -> Made {
                const std::vector<int> members = platform_members(b.enumeration_, device);
                std::vector<std::shared_ptr<const DeviceContext>> contexts;
                for (int r = 0; r < c.ranks; ++r) {
                  contexts.push_back(b.context(members[static_cast<std::size_t>(r)]));
                }
                return std::make_unique<HostStagedCollective>(c, std::move(contexts));
              }),
      });
  return table;
}

}  // namespace aicert::opencl
