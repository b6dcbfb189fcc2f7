// The tiled OpenCL GEMM kernel: build, arguments, launch geometry.
#include "kernels/opencl/tiled_gemm_kernel.h"

#include <stdexcept>

#include "kernels/opencl/cl_error.h"
#include "kernels/opencl/gemm_tiled_cl.h"

namespace aicert::opencl {

const std::string& tiled_gemm_source() {
  static const std::string source(embedded::kGemmTiledSource);
  return source;
}

const char* tiled_gemm_entry(GemmLayout layout) {
  switch (layout) {
    case GemmLayout::NN:
      return "gemm_nn";
    case GemmLayout::NT:
      return "gemm_nt";
    case GemmLayout::TN:
      return "gemm_tn";
  }
  return "gemm_nn";
}

TiledGemmKernel::TiledGemmKernel(std::shared_ptr<const DeviceContext> device, ProgramCache& cache,
                                 const GemmSpec& spec)
    : device_(std::move(device)), spec_(spec) {
  const auto candidates = gemm_tiling_candidates(device_->caps());
  std::string why;
  for (const GemmTiling& t : candidates) {
    const std::string err = try_build(cache, t);
    if (err.empty()) break;
    why += (why.empty() ? "" : "; ") + t.describe() + ": " + err;
  }
  if (!kernel_) {
    throw std::runtime_error("no tiling of the OpenCL GEMM fits " + device_->label() +
                             (why.empty() ? std::string(" (no candidate)") : ": " + why));
  }
  queue_ = device_->make_profiling_queue();
}

TiledGemmKernel::TiledGemmKernel(std::shared_ptr<const DeviceContext> device, ProgramCache& cache,
                                 const GemmSpec& spec, const GemmTiling& tiling)
    : device_(std::move(device)), spec_(spec) {
  if (auto err = tiling_shape_error(tiling); !err.empty()) {
    throw std::invalid_argument("tiling " + tiling.describe() + ": " + err);
  }
  if (auto err = try_build(cache, tiling); !err.empty()) {
    throw std::runtime_error("tiling " + tiling.describe() + " does not fit " + device_->label() +
                             ": " + err);
  }
  queue_ = device_->make_profiling_queue();
}

std::string TiledGemmKernel::try_build(ProgramCache& cache, const GemmTiling& tiling) {
  const std::string& where = device_->label();
  if (auto err = tiling_device_error(tiling, device_->caps()); !err.empty()) return err;
  ProgramHandle program = cache.get(device_->context(), device_->id(), tiled_gemm_source(),
                                    tiling.build_options(spec_.dtype), where);
  KernelHandle kernel(
      AICERT_CL(where, clCreateKernel, program.get(), tiled_gemm_entry(spec_.layout)));
  // The compiled kernel may need more registers than a full work-group leaves (GPUs).
  const std::size_t max_wg = device_->work_group_limit(kernel.get());
  if (max_wg < static_cast<std::size_t>(tiling.work_group_size())) {
    return "compiled kernel allows work-groups of " + std::to_string(max_wg) + ", needs " +
           std::to_string(tiling.work_group_size());
  }
  kernel_ = std::move(kernel);
  tiling_ = tiling;
  return {};
}

void TiledGemmKernel::upload(const HostTensors& tensors) {
  const std::string& where = device_->label();
  buffers_.upload(device_->context(), queue_.get(), tensors, where);
  const cl_int m = static_cast<cl_int>(spec_.m), n = static_cast<cl_int>(spec_.n),
               k = static_cast<cl_int>(spec_.k);
  const cl_int lda = spec_.a_transposed() ? m : k;
  const cl_int ldb = spec_.b_transposed() ? k : n;
  const cl_int ldc = n;
  const cl_float alpha = static_cast<cl_float>(spec_.alpha);
  const cl_float beta = static_cast<cl_float>(spec_.beta);
  const cl_ulong offset = DeviceBuffers::payload_offset_elements(spec_.dtype);
  const cl_mem a = buffers_.buffer("A"), b = buffers_.buffer("B"), c = buffers_.buffer("C");
  cl_kernel kn = kernel_.get();
  cl_uint i = 0;
  auto arg = [&](const auto& value) {
    // cl_mem arguments are passed as the handle itself: sizeof(cl_mem) is meant.
    AICERT_CL(where, clSetKernelArg, kn, i++, sizeof(value),  // NOLINT(bugprone-sizeof-expression)
              static_cast<const void*>(&value));
  };
  // Argument order of GEMM_ENTRY in gemm_tiled.cl.
  for (const auto& v : {m, n, k}) arg(v);
  arg(alpha);
  arg(beta);
  arg(a);
  arg(offset);
  arg(lda);
  arg(b);
  arg(offset);
  arg(ldb);
  arg(c);
  arg(offset);
  arg(ldc);
}

void TiledGemmKernel::run() {
  if (buffers_.empty()) throw std::logic_error("opencl:tiled run() before upload()");
  if (spec_.m == 0 || spec_.n == 0) return;  // nothing to compute, nothing to enqueue
  const auto groups = [](std::int64_t extent, int tile) {
    return static_cast<std::size_t>((extent + tile - 1) / tile);
  };
  const std::size_t local[2] = {static_cast<std::size_t>(tiling_.wg_n()),
                                static_cast<std::size_t>(tiling_.wg_m())};
  const std::size_t global[2] = {groups(spec_.n, tiling_.ts_n) * local[0],
                                 groups(spec_.m, tiling_.ts_m) * local[1]};
  cl_event event = nullptr;
  AICERT_CL(device_->label(), clEnqueueNDRangeKernel, queue_.get(), kernel_.get(), 2u, nullptr,
            global, local, 0u, nullptr, &event);
  timer_.add(EventHandle(event));
}

double TiledGemmKernel::elapsed_ms_since_last_sync() {
  return timer_.finish_and_sum_ms(queue_.get(), device_->label());
}

void TiledGemmKernel::download(HostTensors& tensors) {
  buffers_.download(queue_.get(), tensors, device_->label());
}

}  // namespace aicert::opencl
