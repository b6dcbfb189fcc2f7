// OpenCL backend: enumeration and device descriptions; its kernels come from its table
// (impl_table.cpp).
#include "kernels/opencl/opencl_backend.h"

#include <stdexcept>

#include "kernels/opencl/gemm_tiling.h"
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
  return impl_table().implementations(workload);
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
  return impl_table().make(*this, spec, device, impl, why_not);
}

}  // namespace aicert::opencl
