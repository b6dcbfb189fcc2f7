// cpu:onednn GEMM: row-major A, B, C as oneDNN memory descriptors (a transposed operand is the
// same logical matrix with swapped strides), the primitive made once per case, run on a CPU
// stream that is waited for inside the timed region.
#include "kernels/cpu/onednn_gemm_kernel.h"

#include <omp.h>

#include <stdexcept>

#include "kernels/cpu/gemm_operands.h"
#include "kernels/cpu/onednn_library.h"

namespace aicert::cpu {
namespace {

using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;

// A rows x cols logical matrix stored row-major, or (transposed) stored as its transpose.
// An empty one is given plain strides: oneDNN 2.6 writes wrong values into C for K = 0 with a
// transposed A's strides (the fp64 check caught it), and an empty matrix has no layout.
dnnl::memory::desc matrix(std::int64_t rows, std::int64_t cols, dt type, bool stored_transposed) {
  const bool empty = rows == 0 || cols == 0;
  return stored_transposed && !empty ? dnnl::memory::desc(dims{rows, cols}, type, dims{1, rows})
                           : dnnl::memory::desc(dims{rows, cols}, type, dims{cols, 1});
}

}  // namespace

std::unique_ptr<Kernel> OnednnGemmKernel::make(const GemmSpec& spec, int threads,
                                               std::string* why_not) {
  const std::optional<dt> type = onednn_type(spec.dtype);
  if (!type) {
    if (why_not) *why_not = "oneDNN matmul has no " + std::string(dtype_name(spec.dtype)) + " GEMM here";
    return nullptr;
  }
  try {
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const dnnl::memory::desc a = matrix(spec.m, spec.k, *type, spec.a_transposed());
    const dnnl::memory::desc b = matrix(spec.k, spec.n, *type, spec.b_transposed());
    const dnnl::memory::desc c = matrix(spec.m, spec.n, *type, false);
    dnnl::primitive_attr attr;
    if (spec.alpha != 1.0) attr.set_output_scales(0, {static_cast<float>(spec.alpha)});
    if (spec.beta != 0.0) {  // C is read only then: a NaN in C with beta = 0 stays out
      dnnl::post_ops ops;
      ops.append_sum(static_cast<float>(spec.beta));
      attr.set_post_ops(ops);
    }
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), attr, engine);
    return std::unique_ptr<Kernel>(new OnednnGemmKernel(spec, threads, engine, std::move(pd)));
  } catch (const dnnl::error& e) {
    // Status unimplemented: no kernel for this type on this CPU (bf16 below avx512_core).
    if (e.status == dnnl_unimplemented) {
      if (why_not) *why_not = onednn_refusal("matmul", spec.dtype, e);
      return nullptr;
    }
    throw std::runtime_error(std::string("cpu:onednn: ") + e.what());
  }
}

void OnednnGemmKernel::upload(const HostTensors& tensors) {
  // The old memory objects point into the buffers upload() replaces: gone first, so that a
  // failed upload leaves a kernel that refuses to run rather than one that reads freed memory.
  a_.reset();
  b_.reset();
  c_.reset();
  tensors_.upload(tensors);
  check_gemm_tensors(spec_, tensors_);
  a_.emplace(pd_.src_desc(), engine_, tensors_.payload("A"));
  b_.emplace(pd_.weights_desc(), engine_, tensors_.payload("B"));
  c_.emplace(pd_.dst_desc(), engine_, tensors_.payload("C"));
}

void OnednnGemmKernel::run() {
  if (!a_) throw std::logic_error("cpu:onednn: run() before upload()");
  omp_set_num_threads(threads_);  // this thread's OpenMP team, as the backend's pool is sized
  timer_.time([this] {
    matmul_.execute(stream_, {{DNNL_ARG_SRC, *a_}, {DNNL_ARG_WEIGHTS, *b_}, {DNNL_ARG_DST, *c_}});
    stream_.wait();
  });
}

}  // namespace aicert::cpu
