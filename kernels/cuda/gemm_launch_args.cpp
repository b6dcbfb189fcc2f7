// Launch arguments of the own CUDA GEMM kernels from a spec and its uploaded buffers.
#include "kernels/cuda/gemm_launch_args.h"

namespace aicert::cuda {

StoredShape stored_a(const GemmSpec& spec) {
  return spec.a_transposed() ? StoredShape{spec.k, spec.m} : StoredShape{spec.m, spec.k};
}
StoredShape stored_b(const GemmSpec& spec) {
  return spec.b_transposed() ? StoredShape{spec.n, spec.k} : StoredShape{spec.k, spec.n};
}

GemmLaunch gemm_launch_for(const GemmSpec& spec, const DeviceBuffers& buffers) {
  GemmLaunch g;
  g.m = static_cast<int>(spec.m);
  g.n = static_cast<int>(spec.n);
  g.k = static_cast<int>(spec.k);
  g.a = buffers.payload("A");
  g.b = buffers.payload("B");
  g.c = buffers.payload("C");
  g.lda = stored_a(spec).cols;
  g.ldb = stored_b(spec).cols;
  g.ldc = spec.n;
  g.alpha = static_cast<float>(spec.alpha);
  g.beta = static_cast<float>(spec.beta);
  g.a_transposed = spec.a_transposed();
  g.b_transposed = spec.b_transposed();
  return g;
}

}  // namespace aicert::cuda
