// The OpenCL flash attention kernel: support decision, build, arguments, launch geometry.
#include "kernels/opencl/flash_attention_kernel.h"

#include <algorithm>
#include <stdexcept>

#include "kernels/opencl/attention_flash_cl.h"
#include "kernels/opencl/cl_error.h"

namespace aicert::opencl {

const std::string& flash_attention_source() {
  static const std::string source(embedded::kAttentionFlashSource);
  return source;
}

FlashTiling flash_tiling(std::int64_t head_dim) {
  FlashTiling t;
  t.bq = 32;
  // Local memory of at most 32 KiB, which every OpenCL GPU offers: BK = 28 at D = 128.
  constexpr std::int64_t kLocalFloats = 32 * 1024 / sizeof(float);
  t.bk = static_cast<int>(std::clamp<std::int64_t>(kLocalFloats / (2 * head_dim + t.bq), 1, 64));
  return t;
}

std::string flash_unsupported_reason(const DeviceCaps& caps, const AttentionSpec& spec) {
  const FlashTiling t = flash_tiling(spec.head_dim);
  if (caps.max_work_group_size < static_cast<std::size_t>(t.bq)) {
    return "not supported: opencl:flash needs work-groups of " + std::to_string(t.bq) +
           ", the device allows " + std::to_string(caps.max_work_group_size);
  }
  if (caps.local_mem_bytes < t.local_bytes(spec.head_dim)) {
    return "not supported: opencl:flash needs " + std::to_string(t.local_bytes(spec.head_dim)) +
           " bytes of local memory at D=" + std::to_string(spec.head_dim) + ", the device has " +
           std::to_string(caps.local_mem_bytes);
  }
  return {};
}

FlashAttentionKernel::FlashAttentionKernel(std::shared_ptr<const DeviceContext> device,
                                           ProgramCache& cache, const AttentionSpec& spec)
    : device_(std::move(device)), spec_(spec), tiling_(flash_tiling(spec.head_dim)) {
  const std::string& where = device_->label();
  const std::string options = "-DHEAD_DIM=" + std::to_string(spec_.head_dim) +
                              " -DBQ=" + std::to_string(tiling_.bq) +
                              " -DBK=" + std::to_string(tiling_.bk) +
                              " -DDTYPE=" + std::to_string(static_cast<int>(spec_.dtype));
  ProgramHandle program =
      cache.get(device_->context(), device_->id(), flash_attention_source(), options, where);
  KernelHandle kernel(AICERT_CL(where, clCreateKernel, program.get(), "attention_flash"));
  const std::size_t max_wg = device_->work_group_limit(kernel.get());
  if (max_wg < static_cast<std::size_t>(tiling_.bq)) {
    throw std::runtime_error("opencl:flash on " + where +
                             ": compiled kernel allows work-groups of " + std::to_string(max_wg) +
                             ", needs " + std::to_string(tiling_.bq));
  }
  kernel_ = std::move(kernel);
  queue_ = device_->make_profiling_queue();
}

void FlashAttentionKernel::upload(const HostTensors& tensors) {
  const std::string& where = device_->label();
  buffers_.upload(device_->context(), queue_.get(), tensors, where);
  const cl_ulong offset = DeviceBuffers::payload_offset_elements(spec_.dtype);
  const auto sq = static_cast<cl_int>(spec_.q_len), sk = static_cast<cl_int>(spec_.kv_len),
             hq = static_cast<cl_int>(spec_.q_heads), hkv = static_cast<cl_int>(spec_.kv_heads);
  const auto qscale = static_cast<cl_float>(spec_.softmax_scale() * 1.4426950408889634);
  const cl_int causal = spec_.causal ? 1 : 0;
  const cl_mem q = buffers_.buffer("Q"), k = buffers_.buffer("K"), v = buffers_.buffer("V"),
               o = buffers_.buffer("O");
  cl_kernel kn = kernel_.get();
  cl_uint i = 0;
  auto arg = [&](const auto& value) {
    // cl_mem arguments are passed as the handle itself: sizeof(cl_mem) is meant.
    AICERT_CL(where, clSetKernelArg, kn, i++, sizeof(value),  // NOLINT(bugprone-sizeof-expression)
              static_cast<const void*>(&value));
  };
  // Argument order of attention_flash in attention_flash.cl.
  for (const auto& x : {sq, sk, hq, hkv}) arg(x);
  arg(qscale);
  arg(causal);
  for (const cl_mem m : {q, k, v, o}) {
    arg(m);
    arg(offset);
  }
}

void FlashAttentionKernel::run() {
  if (buffers_.empty()) throw std::logic_error("opencl:flash run() before upload()");
  const auto bq = static_cast<std::size_t>(tiling_.bq);
  const std::size_t local[2] = {bq, 1};
  const std::size_t global[2] = {(static_cast<std::size_t>(spec_.q_len) + bq - 1) / bq * bq,
                                 static_cast<std::size_t>(spec_.batch * spec_.q_heads)};
  cl_event event = nullptr;
  AICERT_CL(device_->label(), clEnqueueNDRangeKernel, queue_.get(), kernel_.get(), 2u, nullptr,
            global, local, 0u, nullptr, &event);
  timer_.add(EventHandle(event));
}

double FlashAttentionKernel::elapsed_ms_since_last_sync() {
  return timer_.finish_and_sum_ms(queue_.get(), device_->label());
}

void FlashAttentionKernel::download(HostTensors& tensors) {
  buffers_.download(queue_.get(), tensors, device_->label());
}

}  // namespace aicert::opencl
