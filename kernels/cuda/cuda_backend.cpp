// CUDA backend: enumeration, device descriptions, and the NCCL collective's construction (in
// an MPI job agreed on by every rank); its kernels come from its table (impl_table.cpp).
#include "kernels/cuda/cuda_backend.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <stdexcept>

#include "kernels/collective_timeout.h"
#include "kernels/cuda/cublaslt_gemm_kernel.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/gemm_launch.h"
#include "kernels/cuda/gemm_support.h"
#include "kernels/cuda/nccl_collective_kernel.h"
#include "kernels/cuda/nccl_library.h"
#include "kernels/cuda/wgmma_launch.h"
#include "kernels/mpi_job.h"

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
  std::string why;
  const NcclLibrary* nccl = load_nccl(&why);
  return "CUDA driver " + driver_version_ + "; CUDA runtime " + runtime_version_ + " (static); " +
         cublaslt_version() + "; NCCL " + (nccl ? nccl_version_string(*nccl) : "absent: " + why);
}

std::vector<DeviceInfo> CudaBackend::devices() {
  std::vector<DeviceInfo> out;
  for (const DeviceCaps& d : devices_) {
    DeviceInfo info = to_device_info(d, driver_version_, runtime_version_);
    info.properties["gemm_tiling"] =
        "tensor cores: mma.sync m16n8k16, block 128x128x32, 8 warps of 64x32, 4 cp.async "
        "stages; fp32: SIMT block 128x128x8, 8x8 per thread; cuda:wgmma (sm_90a): block "
        "128x256x64, TMA into 4 stages, 2 consumer warpgroups of wgmma m64n256k16";
    info.properties["attention_tiling"] =
        "flash (FA2-style): 128 query rows per block, 4 warps of 2x16 rows, K/V tiles of 64 keys "
        "(32 at D=128) in 4 cp.async stages, mma.sync m16n8k16 (P rounded to the input type for "
        "P V), online softmax in fp32 registers";
    const std::string& image = own_image_errors_[static_cast<std::size_t>(d.index)];
    info.properties["own_kernels"] = image.empty() ? "yes" : "no: " + image;
    const std::string& wgmma = wgmma_image_errors_[static_cast<std::size_t>(d.index)];
    info.properties["wgmma_kernel"] = wgmma.empty() ? "yes" : "no: " + wgmma;
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<std::string> CudaBackend::implementations(std::string_view workload) const {
  return impl_table().implementations(workload);
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
  return impl_table().make(*this, spec, device, impl, why_not);
}

std::unique_ptr<Kernel> CudaBackend::make_nccl_collective(const CollectiveSpec& c, int device,
                                                          std::string* why_not) {
  auto set_why = [&](std::string why) -> std::unique_ptr<Kernel> {
    if (why_not) *why_not = std::move(why);
    return nullptr;
  };
  const double timeout_s = collective_timeout_s();
  const int gpus = static_cast<int>(devices_.size());
  std::string why;
  if (!mpi_job_from_env().active) {
    // One process: rank r on GPU device + r; several ranks run once, from device 0.
    if (c.ranks > gpus) {
      return set_why("not supported: " + std::to_string(c.ranks) +
                     " ranks, but this process sees " + std::to_string(gpus) +
                     " CUDA device(s) and NCCL runs one rank per GPU");
    }
    if (c.ranks > 1 && device != 0) {
      return set_why(
          "not supported: collectives over several GPUs run once, from device 0 (rank r "
          "on device r)");
    }
    caps(device);  // throws for a device that does not exist
    const NcclLibrary* nccl = load_nccl(&why);
    if (!nccl) return set_why("not supported: " + why);
    std::vector<int> devices;
    for (int r = 0; r < c.ranks; ++r) devices.push_back(device + r);
    return std::make_unique<NcclCollectiveKernel>(*nccl, c, devices, nullptr, timeout_s);
  }
  // An MPI job: one rank per process, on the GPU of its local rank. Refusals that depend only on
  // the case come first and need no MPI call (every rank makes the same ones); the others are
  // agreed on by every rank, so that no rank enters the communicator's creation alone.
  if (device != 0) {
    return set_why(
        "not supported: in an MPI job cuda:nccl runs once, from device 0 (each rank "
        "uses the GPU of its local rank)");
  }
  if (!mpi_) mpi_ = mpi::MpiBootstrap::load(timeout_s, &why);
  if (!mpi_)
    return set_why("not supported: cuda:nccl in an MPI job needs the MPI bootstrap: " + why);
  if (c.ranks != mpi_->size()) {
    return set_why("not supported: this MPI job has " + std::to_string(mpi_->size()) +
                   " ranks, the case " + std::to_string(c.ranks) + " (use --ranks " +
                   std::to_string(mpi_->size()) + ")");
  }
  const NcclLibrary* nccl = load_nccl(&why);
  if (nccl == nullptr) {
    why = "not supported: " + why;
  } else if (mpi_->local_size() > gpus) {
    why = "not supported: " + std::to_string(mpi_->local_size()) + " ranks on this node, but " +
          std::to_string(gpus) + " CUDA device(s) and NCCL runs one rank per GPU";
  }
  const bool others_refuse = mpi_->max(why.empty() ? 0.0 : 1.0) > 0;
  if (!why.empty()) return set_why(why);
  if (others_refuse) return set_why("not supported: another rank of the MPI job cannot run it");
  return std::make_unique<NcclCollectiveKernel>(*nccl, c, std::vector<int>{mpi_->local_rank()},
                                                mpi_, timeout_s);
}

}  // namespace aicert::cuda
