// The own CUDA stream kernels as a Kernel: support decision, grid, launch arguments.
#include "kernels/cuda/bandwidth_kernel.h"

#include <cstdint>
#include <stdexcept>

#include "kernels/cuda/bandwidth_launch.h"
#include "kernels/cuda/cuda_check.h"
#include "workloads/host_tensors.h"

namespace aicert::cuda {

namespace {
BandwidthOp bandwidth_op(StreamOp op) {
  switch (op) {
    case StreamOp::copy:
      return BandwidthOp::copy;
    case StreamOp::mul:
      return BandwidthOp::mul;
    case StreamOp::add:
      return BandwidthOp::add;
    case StreamOp::triad:
      return BandwidthOp::triad;
    case StreamOp::dot:
      return BandwidthOp::dot;
  }
  return BandwidthOp::copy;
}
}  // namespace

std::string stream_unsupported_reason(const DeviceCaps& caps, const StreamSpec& spec,
                                      const std::string& own_image_error) {
  const std::string what = "not supported: cuda:stream ";
  if (spec.dtype != DType::fp32) {
    return what + "runs fp32 arrays, not " + std::string(dtype_name(spec.dtype));
  }
  if (!own_image_error.empty()) {
    return what + "has no code for " + caps.label() + " (sm_" +
           std::to_string(caps.compute_capability()) + "): " + own_image_error;
  }
  // Every array is one allocation, guards included; dot's output is a single element.
  const double array = spec.array_bytes() + 2.0 * GuardedBuffer::kGuardBytes;
  const double total = array * (spec.arrays_read() + spec.arrays_written());
  if (total > static_cast<double>(caps.global_mem_bytes)) {
    return what + "needs " + std::to_string(static_cast<std::uint64_t>(total)) +
           " bytes of arrays, more than the " + std::to_string(caps.global_mem_bytes) +
           " bytes of " + caps.label();
  }
  return {};
}

BandwidthKernel::BandwidthKernel(const DeviceCaps& caps, const StreamSpec& spec)
    : StreamKernel(caps), spec_(spec), blocks_(bandwidth_blocks(spec.count, caps.sm_count)) {
  if (spec_.op == StreamOp::dot) {
    stream().activate();
    void* sum = nullptr;
    AICERT_CUDA(stream().label(), cudaMalloc(&sum, sizeof(double)));
    dot_sum_ = static_cast<double*>(sum);
  }
}

BandwidthKernel::~BandwidthKernel() {
  if (dot_sum_) {
    cudaSetDevice(stream().device());
    cudaFree(dot_sum_);
  }
}

void BandwidthKernel::run() {
  if (buffers().empty()) throw std::logic_error("cuda:stream run() before upload()");
  stream().activate();
  BandwidthLaunch l;
  l.op = bandwidth_op(spec_.op);
  l.count = spec_.count;
  l.scalar = static_cast<float>(kStreamScalar);
  l.a = static_cast<const float*>(buffers().payload("A"));
  if (spec_.arrays_read() == 2) l.b = static_cast<const float*>(buffers().payload("B"));
  if (spec_.op == StreamOp::dot) {
    l.s = static_cast<float*>(buffers().payload("S"));
    l.dot_sum = dot_sum_;
  } else {
    l.c = static_cast<float*>(buffers().payload("C"));
  }
  l.blocks = blocks_;
  const std::string& where = stream().label();
  timer().begin(stream().get(), where);
  AICERT_CUDA(where, launch_bandwidth(l, stream().get()));
  timer().end(stream().get(), where);
}

}  // namespace aicert::cuda
