// The CUDA backend: every device the runtime sees, the own GEMMs ("cuda:tiled", and "cuda:wgmma"
// on Hopper), cuBLASLt ("cuda:cublaslt"), the own flash attention ("cuda:flash"), and
// collectives through NCCL ("cuda:nccl", NCCL dlopen()ed at first use; in an MPI job
// bootstrapped through libaicert-mpi-bootstrap.so). Without a driver or device,
// create() says why and returns null.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/cuda/device_caps.h"
#include "kernels/impl_table.h"
#include "kernels/mpi/bootstrap_loader.h"

namespace aicert::cuda {

class CudaBackend final : public Backend {
 public:
  // Null with the reason ("cudaGetDeviceCount failed: cudaErrorInsufficientDriver (...)") when
  // the runtime finds no usable driver or no device.
  static std::unique_ptr<CudaBackend> create(std::string* why_unavailable);

  std::string_view name() const override { return "cuda"; }
  std::string runtime_version() const override;
  std::vector<DeviceInfo> devices() override;
  std::vector<std::string> implementations(std::string_view workload) const override;
  std::unique_ptr<Kernel> make(const CaseSpec& spec, int device, std::string_view impl,
                               std::string* why_not) override;

  const DeviceCaps& caps(int device) const;

  // What the backend implements (impl_table.cpp); implementations() and make() read it.
  static const ImplTable<CudaBackend>& impl_table();

 private:
  CudaBackend(std::vector<DeviceCaps> devices, int driver, int runtime);
  // cuda:nccl for a valid case: one process over its GPUs, or one rank of an MPI job (its
  // refusals agreed on by every rank, so that none enters the communicator's creation alone).
  std::unique_ptr<Kernel> make_nccl_collective(const CollectiveSpec& spec, int device,
                                               std::string* why_not);

  std::vector<DeviceCaps> devices_;
  std::vector<std::string> own_image_errors_;    // per device, from own_gemm_image_error()
  std::vector<std::string> wgmma_image_errors_;  // per device, from wgmma_image_error()
  std::string driver_version_, runtime_version_;
  std::shared_ptr<mpi::MpiBootstrap> mpi_;  // loaded at the first collective of an MPI job
};

}  // namespace aicert::cuda
