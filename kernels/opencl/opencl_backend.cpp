// OpenCL backend: enumeration, support decisions and kernel construction.
#include "kernels/opencl/opencl_backend.h"

#include <algorithm>
#include <stdexcept>

#include "kernels/opencl/flash_attention_kernel.h"
#include "kernels/opencl/gemm_support.h"
#include "kernels/opencl/gemm_tiling.h"
#include "kernels/opencl/host_staged_collective.h"
#include "kernels/opencl/tiled_gemm_kernel.h"
#ifdef AICERT_HAVE_CLBLAST
#include "kernels/opencl/clblast_gemm_kernel.h"
#endif

namespace aicert::opencl {

std::unique_ptr<OpenClBackend> OpenClBackend::create(std::string* why_unavailable) {
  Enumeration e = enumerate_devices();
  if (e.devices.empty()) {
    if (why_unavailable) *why_unavailable = e.unavailable_reason;
    return nullptr;
  }
  return std::unique_ptr<OpenClBackend>(new OpenClBackend(std::move(e)));
}

OpenClBackend::OpenClBackend(Enumeration e)
    : enumeration_(std::move(e)), contexts_(enumeration_.devices.size()) {}

std::string OpenClBackend::runtime_version() const {
  std::string v = "ICD loader: " + enumeration_.icd_loader + "; platforms:";
  for (const auto& p : enumeration_.platforms) v += " " + p + ";";
#ifdef AICERT_HAVE_CLBLAST
  v += std::string(" ") + clblast_version();
#else
  v += " CLBlast not built in";
#endif
  for (const auto& s : enumeration_.skipped) v += "; skipped: " + s;
  return v;
}

std::vector<DeviceInfo> OpenClBackend::devices() {
  std::vector<DeviceInfo> out;
  for (const ClDevice& d : enumeration_.devices) {
    DeviceInfo info = to_device_info(d.caps, d.index);
    const auto tilings = gemm_tiling_candidates(d.caps);
    if (!tilings.empty()) info.properties["gemm_tiling"] = tilings.front().describe();
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<std::string> OpenClBackend::implementations(std::string_view workload) const {
  if (workload == "attention") return {std::string(kFlashImpl)};
  if (workload == "collective") return {std::string(kHostStagedImpl)};
  if (workload != "gemm") return {};
  std::vector<std::string> impls{std::string(kTiledImpl)};
#ifdef AICERT_HAVE_CLBLAST
  impls.emplace_back(kClblastImpl);
#endif
  return impls;
}

std::shared_ptr<const DeviceContext> OpenClBackend::context(int device) {
  if (device < 0 || static_cast<std::size_t>(device) >= enumeration_.devices.size()) {
    throw std::out_of_range("no OpenCL device " + std::to_string(device) + " (there are " +
                            std::to_string(enumeration_.devices.size()) + ")");
  }
  std::lock_guard lock(mutex_);
  auto& ctx = contexts_[static_cast<std::size_t>(device)];
  if (!ctx) ctx = std::make_shared<const DeviceContext>(enumeration_.devices[device]);
  return ctx;
}

std::unique_ptr<Kernel> OpenClBackend::make(const CaseSpec& spec, int device, std::string_view impl,
                                            std::string* why_not) {
  auto set_why = [&](std::string why) {
    if (why_not) *why_not = std::move(why);
    return nullptr;
  };
  if (const auto* attention = std::get_if<AttentionSpec>(&spec.spec)) {
    if (impl != kFlashImpl) {
      return set_why("not supported: opencl has no attention implementation '" + std::string(impl) +
                     "' (it has opencl:flash)");
    }
    if (std::string invalid = validate_attention_spec(*attention, 1e300); !invalid.empty()) {
      return set_why("invalid attention case: " + invalid);
    }
    std::shared_ptr<const DeviceContext> ctx = context(device);
    if (std::string why = flash_unsupported_reason(ctx->caps(), *attention); !why.empty()) {
      return set_why(std::move(why));
    }
    return std::make_unique<FlashAttentionKernel>(ctx, cache_, *attention);
  }
  if (const auto* coll = std::get_if<CollectiveSpec>(&spec.spec)) {
    if (impl != kHostStagedImpl) {
      return set_why("not supported: opencl has no collective implementation '" +
                     std::string(impl) + "' (it has " + std::string(kHostStagedImpl) + ")");
    }
    if (device < 0 || static_cast<std::size_t>(device) >= enumeration_.devices.size()) {
      return set_why("no OpenCL device " + std::to_string(device));
    }
    // The ranks are the devices of this device's platform, in order; a collective runs once
    // per platform, from its first device.
    const cl_platform_id platform = enumeration_.devices[static_cast<std::size_t>(device)].platform;
    std::vector<int> members;
    for (const ClDevice& d : enumeration_.devices) {
      if (d.platform == platform) members.push_back(d.index);
    }
    if (members.front() != device) {
      return set_why("not supported: collectives over platform devices run from its first "
                     "device (" + std::to_string(members.front()) + ")");
    }
    if (coll->ranks > static_cast<int>(members.size())) {
      return set_why("not supported: " + std::to_string(coll->ranks) + " ranks, but the platform "
                     "has " + std::to_string(members.size()) + " device(s) (PoCL: POCL_DEVICES=\"pthread "
                     "pthread\" gives two)");
    }
    if (const std::string why = validate_collective_spec(*coll, 1e15); !why.empty()) {
      return set_why("invalid collective case: " + why);
    }
    std::vector<std::shared_ptr<const DeviceContext>> contexts;
    for (int r = 0; r < coll->ranks; ++r) contexts.push_back(context(members[static_cast<std::size_t>(r)]));
    return std::make_unique<HostStagedCollective>(*coll, std::move(contexts));
  }
  const GemmSpec* gemm = std::get_if<GemmSpec>(&spec.spec);
  if (!gemm) {
    return set_why("not supported: opencl runs no " + std::string(workload_name(spec.spec)) +
                   " workload");
  }
  const auto impls = implementations("gemm");
  if (std::find(impls.begin(), impls.end(), impl) == impls.end()) {
    std::string list;
    for (const auto& i : impls) list += (list.empty() ? "" : ", ") + i;
    return set_why("not supported: opencl has no implementation '" + std::string(impl) +
                   "' (it has " + list + ")");
  }
  std::shared_ptr<const DeviceContext> ctx = context(device);
  if (std::string why = gemm_unsupported_reason(ctx->caps(), *gemm, impl); !why.empty()) {
    return set_why(std::move(why));
  }
  if (impl == kTiledImpl) return std::make_unique<TiledGemmKernel>(ctx, cache_, *gemm);
#ifdef AICERT_HAVE_CLBLAST
  if (impl == kClblastImpl) return std::make_unique<ClblastGemmKernel>(ctx, *gemm);
#endif
  return set_why("not supported: '" + std::string(impl) + "' is not built in");
}

}  // namespace aicert::opencl
