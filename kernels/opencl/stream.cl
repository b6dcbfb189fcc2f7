// The stream workload's kernels (BabelStream's five, see workloads/stream_spec.h) for any
// OpenCL 1.2 device, fp32 arrays. Embedded into the plugin at build time (embed_cl.cmake); built
// per device with -D options:
//   STREAM_FP64  1 when the device has cl_khr_fp64: only then are the dot kernels compiled
//   STREAM_TREE  1: the dot's work-group sums are a tree in local memory (GPUs); 0: work-item 0
//                adds the work-group's values in order (CPUs; see work_group_sum)
// One entry point per op:
//   stream_copy   C = A
//   stream_mul    C = s * A
//   stream_add    C = A + B
//   stream_triad  C = A + s * B
//   stream_dot    partial[g] = sum over work-group g's share of A[i] * B[i], in double
//   stream_dot_final  S = (float) sum of the partials, in double (one work-group)
// Every kernel is a grid-stride loop over float4 vectors (the payload starts 256 bytes into a
// buffer whose base the runtime aligns, so it is 16-byte aligned) and then over the count % 4
// scalars of the tail. Offsets (in elements) locate the payload inside the guarded buffers.
// Each launch writes its whole output from the inputs alone, so repeated launches are idempotent.
//
// Dot exactness: the inputs are integers in [-1024, 1024], so each fp32 product A[i] * B[i] is
// exact; it is widened to double and every partial sum is accumulated in double, where sums of
// at most 2^31 such products are integers below 2^52 and exact in any order (work-item,
// work-group and reduction order do not matter). stream_dot_final rounds the exact total once to
// fp32 (the conversion rounds to nearest even), so S has the same bits on every device.

#define GID ((ulong)get_global_id(0))
#define GSIZE ((ulong)get_global_size(0))

// The four elementwise ops share one shape: OP4 on the vectors, OP1 on the tail.
#define ELEMENTWISE_BODY(OP4, OP1)                        \
  const ulong n4 = n / 4;                                 \
  for (ulong i = GID; i < n4; i += GSIZE) OP4;            \
  for (ulong i = n4 * 4 + GID; i < n; i += GSIZE) OP1;

__kernel void stream_copy(ulong n, __global const float* restrict a, ulong a_off,
                          __global float* restrict c, ulong c_off) {
  __global const float* pa = a + a_off;
  __global float* pc = c + c_off;
  __global const float4* a4 = (__global const float4*)pa;
  __global float4* c4 = (__global float4*)pc;
  ELEMENTWISE_BODY(c4[i] = a4[i], pc[i] = pa[i])
}

__kernel void stream_mul(ulong n, float s, __global const float* restrict a, ulong a_off,
                         __global float* restrict c, ulong c_off) {
  __global const float* pa = a + a_off;
  __global float* pc = c + c_off;
  __global const float4* a4 = (__global const float4*)pa;
  __global float4* c4 = (__global float4*)pc;
  ELEMENTWISE_BODY(c4[i] = s * a4[i], pc[i] = s * pa[i])
}

__kernel void stream_add(ulong n, __global const float* restrict a, ulong a_off,
                         __global const float* restrict b, ulong b_off,
                         __global float* restrict c, ulong c_off) {
  __global const float* pa = a + a_off;
  __global const float* pb = b + b_off;
  __global float* pc = c + c_off;
  __global const float4* a4 = (__global const float4*)pa;
  __global const float4* b4 = (__global const float4*)pb;
  __global float4* c4 = (__global float4*)pc;
  ELEMENTWISE_BODY(c4[i] = a4[i] + b4[i], pc[i] = pa[i] + pb[i])
}

__kernel void stream_triad(ulong n, float s, __global const float* restrict a, ulong a_off,
                           __global const float* restrict b, ulong b_off,
                           __global float* restrict c, ulong c_off) {
  __global const float* pa = a + a_off;
  __global const float* pb = b + b_off;
  __global float* pc = c + c_off;
  __global const float4* a4 = (__global const float4*)pa;
  __global const float4* b4 = (__global const float4*)pb;
  __global float4* c4 = (__global float4*)pc;
  ELEMENTWISE_BODY(c4[i] = a4[i] + s * b4[i], pc[i] = pa[i] + s * pb[i])
}

#if STREAM_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

// Sum of the work-group's values (one per work-item), in work-item 0; scratch holds one double
// per work-item. GPUs: a tree (the work-group size is a power of two, which the host
// guarantees). CPUs: work-item 0 adds them up in order, since a barrier inside a loop makes a CPU
// runtime save and restore every work-item's state at each step (PoCL: 2.5x slower overall).
inline double work_group_sum(__local double* scratch, double mine) {
  const uint lid = (uint)get_local_id(0);
  scratch[lid] = mine;
  barrier(CLK_LOCAL_MEM_FENCE);
#if STREAM_TREE
  for (uint width = (uint)get_local_size(0) / 2; width > 0; width /= 2) {
    if (lid < width) scratch[lid] += scratch[lid + width];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  return scratch[0];
#else
  double total = 0.0;
  if (lid == 0) {
    for (uint i = 0; i < (uint)get_local_size(0); ++i) total += scratch[i];
  }
  return total;
#endif
}

// One partial sum per work-group into partial[group]; scratch holds local-size doubles.
__kernel void stream_dot(ulong n, __global const float* restrict a, ulong a_off,
                         __global const float* restrict b, ulong b_off,
                         __global double* restrict partial, __local double* scratch) {
  __global const float* pa = a + a_off;
  __global const float* pb = b + b_off;
  __global const float4* a4 = (__global const float4*)pa;
  __global const float4* b4 = (__global const float4*)pb;
  double acc = 0.0;
  const ulong n4 = n / 4;
  for (ulong i = GID; i < n4; i += GSIZE) {
    const float4 p = a4[i] * b4[i];  // exact in fp32 (integer inputs)
    acc += ((double)p.x + (double)p.y) + ((double)p.z + (double)p.w);
  }
  for (ulong i = n4 * 4 + GID; i < n; i += GSIZE) acc += (double)(pa[i] * pb[i]);
  const double total = work_group_sum(scratch, acc);
  if (get_local_id(0) == 0) partial[get_group_id(0)] = total;
}

// Launched as a single work-group: sums the `groups` partials and writes S rounded once to fp32.
__kernel void stream_dot_final(ulong groups, __global const double* restrict partial,
                               __local double* scratch, __global float* restrict s, ulong s_off) {
  double acc = 0.0;
  for (ulong g = (ulong)get_local_id(0); g < groups; g += (ulong)get_local_size(0)) {
    acc += partial[g];
  }
  const double total = work_group_sum(scratch, acc);
  if (get_local_id(0) == 0) s[s_off] = (float)total;
}
#endif
