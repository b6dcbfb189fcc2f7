// Upload, event-timed sync and download shared by the own CUDA kernels.
#include "kernels/cuda/stream_kernel.h"

namespace aicert::cuda {

void StreamKernel::upload(const HostTensors& tensors) {
  stream_.activate();
  buffers_.upload(tensors, stream_.get(), stream_.label());
}

double StreamKernel::elapsed_ms_since_last_sync() {
  stream_.activate();
  return timer_.sync_and_sum_ms(stream_.label());
}

void StreamKernel::download(HostTensors& tensors) {
  stream_.activate();
  buffers_.download(tensors, stream_.get(), stream_.label());
}

}  // namespace aicert::cuda
