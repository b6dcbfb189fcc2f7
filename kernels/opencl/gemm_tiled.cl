// Tiled GEMM for any OpenCL 1.2 device: C = alpha * op(A) * op(B) + beta * C, row-major.
// Embedded into the plugin at build time (embed_cl.cmake); built per device with -D options:
//   TS_M, TS_N  tile of C computed by one work-group
//   TS_K        depth of the A and B tiles staged in local memory per step
//   WPT_M/WPT_N micro tile of C held in registers by one work-item (WPT_N contiguous columns
//               as VW-wide vectors, WPT_M contiguous rows)
//   VW          vector width of global loads/stores and of the register tile (2, 4, 8 or 16)
//   PAD         floats of padding per local row (bank conflicts of the transposed tile stores)
//   SPLIT_ACC   1: sum each local-memory step into a fresh register tile, then add it to the
//               running one. CPU runtimes (PoCL) keep values that live across a barrier in
//               memory, so the running tile would be loaded and stored at every FMA; a tile
//               that lives within one barrier region stays in registers. 0 on GPUs, where it
//               would only double the accumulator registers.
//   UNROLL_K    unroll factor of the loop over one local-memory step
//   DTYPE       storage type of A, B, C: 0 fp32, 1 fp16, 2 bf16 (16-bit types as ushort bits).
//               Values are widened to float on load, products accumulate in fp32, the result is
//               rounded once to nearest even when stored. No half arithmetic is used.
// Work-group: (TS_N / WPT_N, TS_M / WPT_M); one work-group per TS_M x TS_N tile of C.
// Three entry points share the body: gemm_nn, gemm_nt (B stored N x K), gemm_tn (A stored K x M).
// Offsets (in elements) locate the payload inside the guarded buffers.

#define WG_M (TS_M / WPT_M)
#define WG_N (TS_N / WPT_N)
#define NTHREADS (WG_M * WG_N)
#define NV (WPT_N / VW)

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
typedef CAT(float, VW) floatv;
typedef CAT(uint, VW) uintv;
typedef CAT(ushort, VW) ushortv;
#define vloadv CAT(vload, VW)
#define vstorev CAT(vstore, VW)

// ---- storage types ------------------------------------------------------------------------------
// LOAD1/LOADV widen one/VW elements to float; STOREV rounds VW floats to nearest even and stores.
#if DTYPE == 0
typedef float stor_t;
#define LOAD1(p, i) ((p)[i])
#define LOADV(p) vloadv(0, (p))
#define STOREV(v, p) vstorev((v), 0, (p))
#elif DTYPE == 1
// fp16 bits in ushort, converted in integer/fp32 arithmetic (F. Giesen's exact RNE
// conversions): no half type, and no reliance on vload_halfN/vstore_halfN_rte, which PoCL 3.1
// compiles to 16-byte-aligned vector accesses although the spec asks only 2-byte alignment.
typedef ushort stor_t;
// Normal values rebias the exponent; subnormals are rebuilt exactly by an fp32 subtraction.
inline float f16_to_f32(ushort h) {
  const uint bits = ((uint)h & 0x7fffu) << 13;
  const uint exp = bits & (0x7c00u << 13);
  const uint u = bits + ((127u - 15u) << 23);
  const uint inf_nan = u + ((128u - 16u) << 23);
  const uint sub = as_uint(as_float(u + (1u << 23)) - as_float(113u << 23));  // exact
  const uint r = exp == (0x7c00u << 13) ? inf_nan : (exp == 0 ? sub : u);
  return as_float(r | (((uint)h & 0x8000u) << 16));
}
inline floatv f16_to_f32v(ushortv h) {
  const uintv hv = CAT(convert_uint, VW)(h);
  const uintv bits = (hv & (uintv)0x7fffu) << 13;
  const uintv exp = bits & (uintv)(0x7c00u << 13);
  const uintv u = bits + (uintv)((127u - 15u) << 23);
  const uintv inf_nan = u + (uintv)((128u - 16u) << 23);
  const uintv sub = CAT(as_uint, VW)(CAT(as_float, VW)(u + (uintv)(1u << 23)) -
                                      (floatv)as_float(113u << 23));
  uintv r = select(u, inf_nan, exp == (uintv)(0x7c00u << 13));
  r = select(r, sub, exp == (uintv)0u);
  return CAT(as_float, VW)(r | ((hv & (uintv)0x8000u) << 16));
}
inline ushortv f32_to_f16v(floatv x) {
  const uintv u = CAT(as_uint, VW)(x);
  const uintv sign = (u >> 16) & (uintv)0x8000u;
  const uintv a = u & (uintv)0x7fffffffu;
  // |x| >= 65536: Inf, or a quiet NaN.
  const uintv big = select((uintv)0x7c00u, (uintv)0x7e00u, a > (uintv)0x7f800000u);
  // |x| < 2^-14: subnormal or zero; adding 0.5 makes the fp32 adder round at 2^-24 (RNE).
  const uintv sub =
      CAT(as_uint, VW)(CAT(as_float, VW)(a) + (floatv)0.5f) - (uintv)0x3f000000u;
  // Normal: rebias the exponent (-112 << 23), round the 13 dropped bits to nearest even; a carry
  // may step into the next exponent, up to Inf (65520 and above), as it should.
  const uintv normal = (a + (uintv)0xc8000fffu + ((a >> 13) & (uintv)1u)) >> 13;
  uintv h = select(normal, sub, a < (uintv)0x38800000u);
  h = select(h, big, a >= (uintv)0x47800000u);
  return CAT(convert_ushort, VW)(h | sign);
}
#define LOAD1(p, i) f16_to_f32((p)[i])
#define LOADV(p) f16_to_f32v(vloadv(0, (p)))
#define STOREV(v, p) vstorev(f32_to_f16v(v), 0, (p))
#elif DTYPE == 2
typedef ushort stor_t;
inline float bf16_to_f32(ushort h) { return as_float((uint)h << 16); }
inline floatv bf16_to_f32v(ushortv h) { return CAT(as_float, VW)(CAT(convert_uint, VW)(h) << 16); }
inline ushortv f32_to_bf16v(floatv f) {
  const uintv u = CAT(as_uint, VW)(f);
  const uintv rounded = (u + (uintv)0x7fffu + ((u >> 16) & (uintv)1u)) >> 16;
  const uintv quiet_nan = (u >> 16) | (uintv)0x40u;
  return CAT(convert_ushort, VW)(select(rounded, quiet_nan, CAT(as_uint, VW)(isnan(f))));
}
#define LOAD1(p, i) bf16_to_f32((p)[i])
#define LOADV(p) bf16_to_f32v(vloadv(0, (p)))
#define STOREV(v, p) vstorev(f32_to_bf16v(v), 0, (p))
#else
#error "DTYPE must be 0 (fp32), 1 (fp16) or 2 (bf16)"
#endif

// ---- global -> local tile loads -----------------------------------------------------------------
// Each loader fills a rows x cols local tile from the operand's element (r0 + r, c0 + c) for
// r < rows, c < cols, zero outside the R x C operand so partial tiles add nothing. Interior
// tiles use vector loads without bounds checks; a work-group takes one branch as a whole.

// dst[r * dst_ld + c] = src[(r0 + r) * ld + c0 + c]: the tile keeps the operand's layout.
inline void load_tile(__local float* dst, const int dst_ld, const int rows, const int cols,
                      __global const stor_t* src, const int ld, const int r0, const int c0,
                      const int R, const int C, const int tid) {
  if (r0 + rows <= R && c0 + cols <= C) {
    const int per_row = cols / VW;
    const int total = rows * per_row;
    for (int i = 0; i < (total + NTHREADS - 1) / NTHREADS; ++i) {
      const int v = tid + i * NTHREADS;
      if (total % NTHREADS == 0 || v < total) {
        const int r = v / per_row, c = (v % per_row) * VW;
        vstorev(LOADV(src + (size_t)(r0 + r) * ld + c0 + c), 0, dst + r * dst_ld + c);
      }
    }
  } else {
    const int total = rows * cols;
    for (int e = tid; e < total; e += NTHREADS) {
      const int r = e / cols, c = e % cols;
      dst[r * dst_ld + c] =
          (r0 + r < R && c0 + c < C) ? LOAD1(src, (size_t)(r0 + r) * ld + c0 + c) : 0.0f;
    }
  }
}

// dst[c * dst_ld + r] = src[(r0 + r) * ld + c0 + c]: the tile is transposed on the way.
inline void load_tile_transposed(__local float* dst, const int dst_ld, const int rows,
                                 const int cols, __global const stor_t* src, const int ld,
                                 const int r0, const int c0, const int R, const int C,
                                 const int tid) {
  if (r0 + rows <= R && c0 + cols <= C) {
    const int per_row = cols / VW;
    const int total = rows * per_row;
    for (int i = 0; i < (total + NTHREADS - 1) / NTHREADS; ++i) {
      const int v = tid + i * NTHREADS;
      if (total % NTHREADS == 0 || v < total) {
        const int r = v / per_row, c = (v % per_row) * VW;
        float t[VW];
        vstorev(LOADV(src + (size_t)(r0 + r) * ld + c0 + c), 0, t);
#pragma unroll
        for (int q = 0; q < VW; ++q) dst[(c + q) * dst_ld + r] = t[q];
      }
    }
  } else {
    const int total = rows * cols;
    for (int e = tid; e < total; e += NTHREADS) {
      const int r = e / cols, c = e % cols;
      dst[c * dst_ld + r] =
          (r0 + r < R && c0 + c < C) ? LOAD1(src, (size_t)(r0 + r) * ld + c0 + c) : 0.0f;
    }
  }
}

// ---- the shared body ------------------------------------------------------------------------------
// A's tile keeps A's layout in local memory (its values are broadcast, any layout serves);
// B's tile is always k-major so a work-item reads its WPT_N columns as vectors.
//   a_k_contiguous (NN, NT): As[m][k], row length AK_LD; else (TN): As[k][m], row length AM_LD.
//   b_k_contiguous (NT): B is transposed into Bs[k][n] on load; else (NN, TN) copied as is.
#define AK_LD (TS_K + PAD)
#define AM_LD (TS_M + PAD)
#define BN_LD (TS_N + PAD)

inline void gemm_tile(const int M, const int N, const int K, const float alpha, const float beta,
                      __global const stor_t* restrict A, const int lda, const int a_k_contiguous,
                      __global const stor_t* restrict B, const int ldb, const int b_k_contiguous,
                      __global stor_t* restrict C, const int ldc, __local float* As,
                      __local float* Bs) {
  const int tx = get_local_id(0), ty = get_local_id(1);
  const int tid = ty * WG_N + tx;
  const int m0 = get_group_id(1) * TS_M, n0 = get_group_id(0) * TS_N;
  // Step between consecutive k (a_k_step) and consecutive rows i (a_i_step) of this
  // work-item's A values in the local tile.
  const int a_k_step = a_k_contiguous ? 1 : AM_LD;
  const int a_i_step = a_k_contiguous ? AK_LD : 1;

  floatv acc[WPT_M][NV];
#pragma unroll
  for (int i = 0; i < WPT_M; ++i) {
#pragma unroll
    for (int j = 0; j < NV; ++j) acc[i][j] = (floatv)0.0f;
  }

  for (int k0 = 0; k0 < K; k0 += TS_K) {
    if (a_k_contiguous) {
      load_tile(As, AK_LD, TS_M, TS_K, A, lda, m0, k0, M, K, tid);
    } else {
      load_tile(As, AM_LD, TS_K, TS_M, A, lda, k0, m0, K, M, tid);
    }
    if (b_k_contiguous) {
      load_tile_transposed(Bs, BN_LD, TS_N, TS_K, B, ldb, n0, k0, N, K, tid);
    } else {
      load_tile(Bs, BN_LD, TS_K, TS_N, B, ldb, k0, n0, K, N, tid);
    }
    barrier(CLK_LOCAL_MEM_FENCE);

    __local const float* a_base = As + ty * WPT_M * a_i_step;
    __local const float* b_base = Bs + tx * WPT_N;
#if SPLIT_ACC
    floatv part[WPT_M][NV];
#pragma unroll
    for (int i = 0; i < WPT_M; ++i) {
#pragma unroll
      for (int j = 0; j < NV; ++j) part[i][j] = (floatv)0.0f;
    }
#define PART part
#else
#define PART acc
#endif
#pragma unroll UNROLL_K
    for (int kk = 0; kk < TS_K; ++kk) {
      floatv b[NV];
#pragma unroll
      for (int j = 0; j < NV; ++j) b[j] = vloadv(0, b_base + kk * BN_LD + j * VW);
#pragma unroll
      for (int i = 0; i < WPT_M; ++i) {
        const float a = a_base[kk * a_k_step + i * a_i_step];
#pragma unroll
        for (int j = 0; j < NV; ++j) PART[i][j] += a * b[j];
      }
    }
#if SPLIT_ACC
#pragma unroll
    for (int i = 0; i < WPT_M; ++i) {
#pragma unroll
      for (int j = 0; j < NV; ++j) acc[i][j] += part[i][j];
    }
#endif
#undef PART
    barrier(CLK_LOCAL_MEM_FENCE);
  }

  // C = alpha * acc + beta * C, rounded once to the storage type. beta == 0 never reads C.
  const int row0 = m0 + ty * WPT_M, col0 = n0 + tx * WPT_N;
  if (row0 + WPT_M <= M && col0 + WPT_N <= N) {
#pragma unroll
    for (int i = 0; i < WPT_M; ++i) {
      __global stor_t* c_row = C + (size_t)(row0 + i) * ldc + col0;
#pragma unroll
      for (int j = 0; j < NV; ++j) {
        floatv r = alpha * acc[i][j];
        if (beta != 0.0f) r += beta * LOADV(c_row + j * VW);
        STOREV(r, c_row + j * VW);
      }
    }
  } else {
    // Edge tile: whole vectors are converted (as in the interior, so both paths round the
    // same way) through private arrays, and only the elements inside C are read and written.
    // Fully unrolled so that acc is indexed by constants only (a runtime index would push the
    // register tile to memory on GPUs).
#pragma unroll
    for (int i = 0; i < WPT_M; ++i) {
      const int row = row0 + i;
      if (row < M) {
        __global stor_t* c_row = C + (size_t)row * ldc + col0;
#pragma unroll
        for (int j = 0; j < NV; ++j) {
          const int valid = min(VW, N - col0 - j * VW);  // may be <= 0
          stor_t buf[VW];
          floatv r = alpha * acc[i][j];
          if (beta != 0.0f) {
#pragma unroll
            for (int q = 0; q < VW; ++q) buf[q] = q < valid ? c_row[j * VW + q] : (stor_t)0;
            r += beta * LOADV(buf);
          }
          STOREV(r, buf);
#pragma unroll
          for (int q = 0; q < VW; ++q) {
            if (q < valid) c_row[j * VW + q] = buf[q];
          }
        }
      }
    }
  }
}

// Large enough for A's tile in either layout.
#define A_TILE_FLOATS (TS_M * AK_LD > TS_K * AM_LD ? TS_M * AK_LD : TS_K * AM_LD)

#define GEMM_ENTRY(NAME, A_K_CONTIGUOUS, B_K_CONTIGUOUS)                                          \
  __kernel __attribute__((reqd_work_group_size(WG_N, WG_M, 1))) void NAME(                        \
      const int M, const int N, const int K, const float alpha, const float beta,                \
      __global const stor_t* restrict A, const ulong a_offset, const int lda,                    \
      __global const stor_t* restrict B, const ulong b_offset, const int ldb,                    \
      __global stor_t* restrict C, const ulong c_offset, const int ldc) {                        \
    __local float As[A_TILE_FLOATS];                                                              \
    __local float Bs[TS_K * BN_LD];                                                               \
    gemm_tile(M, N, K, alpha, beta, A + a_offset, lda, A_K_CONTIGUOUS, B + b_offset, ldb,        \
              B_K_CONTIGUOUS, C + c_offset, ldc, As, Bs);                                         \
  }

// NN: A(m,k) at A[m*lda + k] (k contiguous), B(k,n) at B[k*ldb + n] (n contiguous).
GEMM_ENTRY(gemm_nn, 1, 0)
// NT: B stored N x K, B(k,n) at B[n*ldb + k].
GEMM_ENTRY(gemm_nt, 1, 1)
// TN: A stored K x M, A(m,k) at A[k*lda + m].
GEMM_ENTRY(gemm_tn, 0, 0)
