// The OpenCL backend: every device of every platform, the tiled GEMM and (when built with it)
// CLBlast, one program cache and one context per device shared by all kernels.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/opencl/device_context.h"
#include "kernels/opencl/platform_enum.h"
#include "kernels/opencl/program_cache.h"
#include "kernels/impl_table.h"

namespace aicert::opencl {

class OpenClBackend final : public Backend {
 public:
  // Null with the reason when there is no platform or no device.
  static std::unique_ptr<OpenClBackend> create(std::string* why_unavailable);

  std::string_view name() const override { return "opencl"; }
  std::string runtime_version() const override;
  std::vector<DeviceInfo> devices() override;
  std::vector<std::string> implementations(std::string_view workload) const override;
  std::unique_ptr<Kernel> make(const CaseSpec& spec, int device, std::string_view impl,
                               std::string* why_not) override;

  ProgramCache& program_cache() { return cache_; }
  // The device's context, created on first use; throws std::out_of_range for a bad index.
  std::shared_ptr<const DeviceContext> context(int device);

  // What the backend implements (impl_table.cpp); implementations() and make() read it.
  static const ImplTable<OpenClBackend>& impl_table();

 private:
  explicit OpenClBackend(Enumeration e);

  Enumeration enumeration_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<const DeviceContext>> contexts_;
  ProgramCache cache_;
};

}  // namespace aicert::opencl
