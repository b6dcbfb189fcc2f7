// cpu:blocked kernel: upload/run/download around BlockedGemm.
#include "kernels/cpu/blocked_kernel.h"

#include <stdexcept>
#include <utility>

#include "kernels/cpu/gemm_operands.h"

namespace aicert::cpu {

BlockedKernel::BlockedKernel(const GemmSpec& spec, const MicroKernel& micro_kernel,
                             const BlockSizes& blocks, std::shared_ptr<ThreadPool> pool)
    : spec_(spec), pool_(pool), gemm_(micro_kernel, blocks, std::move(pool)) {}

void BlockedKernel::upload(const HostTensors& tensors) {
  tensors_.upload(tensors);
  check_gemm_tensors(spec_, tensors_);
  if (spec_.dtype != DType::fp32) {
    c_fp32_.resize(static_cast<std::size_t>(spec_.m * spec_.n) * sizeof(float));
  }
  gemm_.reserve(spec_.m, spec_.n, spec_.k);
}

void BlockedKernel::run() {
  if (tensors_.empty()) throw std::logic_error("cpu:blocked: run() before upload()");
  timer_.time([this] { compute(); });
}

void BlockedKernel::compute() {
  GemmProblem p;
  p.m = spec_.m;
  p.n = spec_.n;
  p.k = spec_.k;
  p.a = gemm_operand_a(spec_, tensors_.payload("A"));
  p.b = gemm_operand_b(spec_, tensors_.payload("B"));
  p.ldc = spec_.n;
  p.alpha = static_cast<float>(spec_.alpha);
  p.beta = static_cast<float>(spec_.beta);
  void* c = tensors_.payload("C");
  const auto elements = static_cast<std::size_t>(spec_.m * spec_.n);
  if (spec_.dtype == DType::fp32) {
    p.c = static_cast<float*>(c);
    gemm_.run(p);
    return;
  }
  p.c = c_fp32_.as<float>();
  if (p.beta != 0.0f) widen_to_fp32(*pool_, c, spec_.dtype, p.c, elements);  // beta == 0: C unread
  p.narrow_to = c;  // the driver narrows each part of C as it is done
  p.narrow_dtype = spec_.dtype;
  gemm_.run(p);
}

}  // namespace aicert::cpu
