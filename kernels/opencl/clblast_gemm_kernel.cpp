// GEMM through CLBlast.
#include "kernels/opencl/clblast_gemm_kernel.h"

#include <clblast_c.h>

#include <stdexcept>

#include "kernels/opencl/cl_error.h"
#include "workloads/dtype.h"

namespace aicert::opencl {

const char* clblast_version() { return "CLBlast " AICERT_CLBLAST_VERSION; }

ClblastGemmKernel::ClblastGemmKernel(std::shared_ptr<const DeviceContext> device,
                                     const GemmSpec& spec)
    : device_(std::move(device)), spec_(spec) {
  if (spec_.dtype != DType::fp32 && spec_.dtype != DType::fp16) {
    throw std::invalid_argument("opencl:clblast runs fp32 and fp16 only, not " +
                                std::string(dtype_name(spec_.dtype)));
  }
  queue_ = device_->make_profiling_queue();
}

void ClblastGemmKernel::upload(const HostTensors& tensors) {
  buffers_.upload(device_->context(), queue_.get(), tensors, device_->label());
}

void ClblastGemmKernel::run() {
  if (buffers_.empty()) throw std::logic_error("opencl:clblast run() before upload()");
  const std::string& where = device_->label();
  const std::size_t m = static_cast<std::size_t>(spec_.m), n = static_cast<std::size_t>(spec_.n),
                    k = static_cast<std::size_t>(spec_.k);
  const auto trans_a = spec_.a_transposed() ? CLBlastTransposeYes : CLBlastTransposeNo;
  const auto trans_b = spec_.b_transposed() ? CLBlastTransposeYes : CLBlastTransposeNo;
  const std::size_t lda = spec_.a_transposed() ? m : k;
  const std::size_t ldb = spec_.b_transposed() ? k : n;
  const std::size_t ldc = n;
  const std::size_t offset = DeviceBuffers::payload_offset_elements(spec_.dtype);
  const cl_mem a = buffers_.buffer("A"), b = buffers_.buffer("B"), c = buffers_.buffer("C");
  cl_command_queue queue = queue_.get();

  cl_event marker = nullptr;
  AICERT_CL(where, clEnqueueMarkerWithWaitList, queue, 0u, nullptr, &marker);
  EventHandle before(marker);
  cl_event last = nullptr;
  if (spec_.dtype == DType::fp32) {
    AICERT_CL(where, CLBlastSgemm, CLBlastLayoutRowMajor, trans_a, trans_b, m, n, k,
              static_cast<float>(spec_.alpha), a, offset, lda, b, offset, ldb,
              static_cast<float>(spec_.beta), c, offset, ldc, &queue, &last);
  } else {
    AICERT_CL(where, CLBlastHgemm, CLBlastLayoutRowMajor, trans_a, trans_b, m, n, k,
              cl_half{float_to_fp16(static_cast<float>(spec_.alpha))}, a, offset, lda, b, offset,
              ldb, cl_half{float_to_fp16(static_cast<float>(spec_.beta))}, c, offset, ldc, &queue,
              &last);
  }
  timer_.add_span(std::move(before), EventHandle(last));
}

double ClblastGemmKernel::elapsed_ms_since_last_sync() {
  return timer_.finish_and_sum_ms(queue_.get(), device_->label());
}

void ClblastGemmKernel::download(HostTensors& tensors) {
  buffers_.download(queue_.get(), tensors, device_->label());
}

}  // namespace aicert::opencl
