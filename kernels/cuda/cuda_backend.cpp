// CUDA backend: enumeration, support decisions and kernel construction.
#include "kernels/cuda/cuda_backend.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <stdexcept>

#include "kernels/cuda/cublaslt_gemm_kernel.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/gemm_launch.h"
#include "kernels/cuda/gemm_support.h"
#include "kernels/cuda/own_gemm_kernel.h"
#include "kernels/cuda/wgmma_gemm_kernel.h"
#include "kernels/cuda/wgmma_launch.h"

namespace aicert::cuda {

std::unique_ptr<CudaBackend> CudaBackend::create(std::string* why_unavailable) {
  auto fail = [&](std::string why) {
    if (why_unavailable) *why_unavailable = std::move(why);
    return nullptr;
  };
  int count = 0;
  if (const cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess) {
    return fail("cudaGetDeviceCount failed: " + cuda_error_text(e));
  }
  if (count == 0) return fail("the CUDA runtime sees no device");
  int driver = 0, runtime = 0;
  AICERT_CUDA("cuda", cudaDriverGetVersion(&driver));
  AICERT_CUDA("cuda", cudaRuntimeGetVersion(&runtime));
  std::vector<DeviceCaps> devices;
  for (int i = 0; i < count; ++i) devices.push_back(query_device_caps(i));
  return std::unique_ptr<CudaBackend>(new CudaBackend(std::move(devices), driver, runtime));
}

CudaBackend::CudaBackend(std::vector<DeviceCaps> devices, int driver, int runtime)
    : devices_(std::move(devices)),
      driver_version_(cuda_version_string(driver)),
      runtime_version_(cuda_version_string(runtime)) {
  for (const DeviceCaps& d : devices_) {
    AICERT_CUDA(d.label(), cudaSetDevice(d.index));
    own_image_errors_.push_back(own_gemm_image_error());
    wgmma_image_errors_.push_back(wgmma_image_error());
  }
}

std::string CudaBackend::runtime_version() const {
  return "CUDA driver " + driver_version_ + "; CUDA runtime " + runtime_version_ + " (static); " +
         cublaslt_version();
}

std::vector<DeviceInfo> CudaBackend::devices() {
  std::vector<DeviceInfo> out;
  for (const DeviceCaps& d : devices_) {
    DeviceInfo info = to_device_info(d, driver_version_, runtime_version_);
    info.properties["gemm_tiling"] =
        "tensor cores: mma.sync m16n8k16, block 128x128x32, 8 warps of 64x32, 4 cp.async "
        "stages; fp32: SIMT block 128x128x8, 8x8 per thread; cuda:wgmma (sm_90a): block "
        "128x256x64, TMA into 4 stages, 2 consumer warpgroups of wgmma m64n256k16";
    const std::string& image = own_image_errors_[static_cast<std::size_t>(d.index)];
    info.properties["own_kernels"] = image.empty() ? "yes" : "no: " + image;
    const std::string& wgmma = wgmma_image_errors_[static_cast<std::size_t>(d.index)];
    info.properties["wgmma_kernel"] = wgmma.empty() ? "yes" : "no: " + wgmma;
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<std::string> CudaBackend::implementations(std::string_view workload) const {
  if (workload != "gemm") return {};
  return {std::string(kOwnImpl), std::string(kCublasLtImpl), std::string(kWgmmaImpl)};
}

const DeviceCaps& CudaBackend::caps(int device) const {
  if (device < 0 || static_cast<std::size_t>(device) >= devices_.size()) {
    throw std::out_of_range("no CUDA device " + std::to_string(device) + " (there are " +
                            std::to_string(devices_.size()) + ")");
  }
  return devices_[static_cast<std::size_t>(device)];
}

std::unique_ptr<Kernel> CudaBackend::make(const CaseSpec& spec, int device, std::string_view impl,
                                          std::string* why_not) {
  auto set_why = [&](std::string why) {
    if (why_not) *why_not = std::move(why);
    return nullptr;
  };
  const GemmSpec* gemm = std::get_if<GemmSpec>(&spec.spec);
  if (!gemm) {
    return set_why("not supported: cuda runs no " + std::string(workload_name(spec.spec)) +
                   " workload");
  }
  if (impl != kOwnImpl && impl != kCublasLtImpl && impl != kWgmmaImpl) {
    return set_why("not supported: cuda has no implementation '" + std::string(impl) +
                   "' (it has " + std::string(kOwnImpl) + ", " + std::string(kCublasLtImpl) + ", " +
                   std::string(kWgmmaImpl) + ")");
  }
  const DeviceCaps& d = caps(device);
  const std::string& image =
      (impl == kWgmmaImpl ? wgmma_image_errors_
                          : own_image_errors_)[static_cast<std::size_t>(device)];
  if (std::string why = gemm_unsupported_reason(d, *gemm, impl, image); !why.empty()) {
    return set_why(std::move(why));
  }
  if (impl == kOwnImpl) return std::make_unique<OwnGemmKernel>(d, *gemm);
  if (impl == kWgmmaImpl) return std::make_unique<WgmmaGemmKernel>(d, *gemm);
  return CublasLtGemmKernel::create(d, *gemm, why_not);
}

}  // namespace aicert::cuda
