// Flash attention forward for any OpenCL 1.2 device: O = softmax(scale Q K^T [causal]) V.
// Embedded into the plugin at build time (embed_cl.cmake); built per dtype and head dim:
//   HEAD_DIM  D, the head dimension (private arrays and loops are sized by it)
//   BQ        queries per work-group, one query per work-item
//   BK        keys per tile staged in local memory (K and V tiles: 2 * BK * D floats, the
//             tile logits BK * BQ floats, stored [key][query] so work-items read contiguously)
//   DTYPE     storage type of Q, K, V, O: 0 fp32, 1 fp16, 2 bf16 (16-bit types as ushort bits,
//             widened exactly to float on load; O rounded once to nearest even on store).
// Each work-item keeps its query (pre-scaled by scale*log2(e), so the softmax runs in powers of
// two), its output accumulator, and a running max and sum: per key tile it computes BK logits,
// rescales the accumulator once by 2^(m_old - m_new) and adds the tile's weighted values. No
// Sq x Sk matrix exists anywhere. Causal mask bottom-right aligned: query i sees keys
// j <= i + Sk - Sq. Work-group (BQ, 1); global (ceil(Sq/BQ)*BQ, B*Hq). Offsets (in elements)
// locate the payloads inside the guarded buffers. The head-dim loops are unrolled, so that each
// qv[d] and acc[d] is a scalar of its own (PoCL then vectorizes across work-items).

#if DTYPE == 0
typedef float stor_t;
inline float load_elem(__global const stor_t* p, size_t i) { return p[i]; }
inline stor_t to_stor(float x) { return x; }
#elif DTYPE == 1
typedef ushort stor_t;
// fp16 bits <-> fp32 in integer/fp32 arithmetic, exact and round-to-nearest-even, as in
// gemm_tiled.cl (no half type needed).
inline float load_elem(__global const stor_t* p, size_t i) {
  const uint h = p[i];
  const uint bits = (h & 0x7fffu) << 13;
  const uint exp = bits & (0x7c00u << 13);
  const uint u = bits + ((127u - 15u) << 23);
  const uint inf_nan = u + ((128u - 16u) << 23);
  const uint sub = as_uint(as_float(u + (1u << 23)) - as_float(113u << 23));
  const uint r = exp == (0x7c00u << 13) ? inf_nan : (exp == 0 ? sub : u);
  return as_float(r | ((h & 0x8000u) << 16));
}
inline stor_t to_stor(float x) {
  const uint u = as_uint(x);
  const uint sign = (u >> 16) & 0x8000u;
  const uint a = u & 0x7fffffffu;
  const uint big = a > 0x7f800000u ? 0x7e00u : 0x7c00u;
  const uint sub = as_uint(as_float(a) + 0.5f) - 0x3f000000u;
  const uint normal = (a + 0xc8000fffu + ((a >> 13) & 1u)) >> 13;
  uint h = a < 0x38800000u ? sub : normal;
  h = a >= 0x47800000u ? big : h;
  return (ushort)(h | sign);
}
#elif DTYPE == 2
typedef ushort stor_t;
inline float load_elem(__global const stor_t* p, size_t i) { return as_float((uint)p[i] << 16); }
inline stor_t to_stor(float f) {
  const uint u = as_uint(f);
  if (isnan(f)) return (ushort)((u >> 16) | 0x40u);
  return (ushort)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
#else
#error "DTYPE must be 0 (fp32), 1 (fp16) or 2 (bf16)"
#endif

__kernel __attribute__((reqd_work_group_size(BQ, 1, 1))) void attention_flash(
    const int sq, const int sk, const int q_heads, const int kv_heads, const float qscale,
    const int causal, __global const stor_t* q, const ulong q_off, __global const stor_t* k,
    const ulong k_off, __global const stor_t* v, const ulong v_off, __global stor_t* o,
    const ulong o_off) {
  __local float k_tile[BK * HEAD_DIM];
  __local float v_tile[BK * HEAD_DIM];
  __local float s_loc[BK * BQ];  // logits of the tile: [key][query]

  const int lid = (int)get_local_id(0);
  const int i = (int)get_group_id(0) * BQ + lid;  // query row
  const int bh = (int)get_group_id(1);            // b * Hq + h
  const int b = bh / q_heads, h = bh % q_heads;
  const int kv_head = b * kv_heads + h / (q_heads / kv_heads);
  const int offset = sk - sq;
  const bool valid = i < sq;
  // Keys this query sees, and keys any query of the work-group sees.
  const int visible = !causal ? sk : min(sk, i + offset + 1);
  const int last_q = min((int)get_group_id(0) * BQ + BQ, sq) - 1;
  const int group_keys = !causal ? sk : min(sk, last_q + offset + 1);

  const size_t q_base = q_off + ((size_t)bh * sq + (size_t)(valid ? i : 0)) * HEAD_DIM;
  const size_t kv_base = ((size_t)kv_head * sk) * HEAD_DIM;
  float qv[HEAD_DIM];
  float acc[HEAD_DIM];
  for (int d = 0; d < HEAD_DIM; ++d) {
    qv[d] = valid ? qscale * load_elem(q, q_base + d) : 0.0f;
    acc[d] = 0.0f;
  }
  float m = -INFINITY, l = 0.0f;

  for (int k0 = 0; k0 < group_keys; k0 += BK) {
    barrier(CLK_LOCAL_MEM_FENCE);  // the previous tile is used up
    for (int e = lid; e < BK * HEAD_DIM; e += BQ) {
      const int j = k0 + e / HEAD_DIM;
      const size_t src = kv_base + (size_t)k0 * HEAD_DIM + (size_t)e;
      k_tile[e] = j < sk ? load_elem(k, k_off + src) : 0.0f;
      v_tile[e] = j < sk ? load_elem(v, v_off + src) : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);

    float tile_max = -INFINITY;
    for (int t = 0; t < BK; ++t) {
      float dot = 0.0f;
#pragma unroll
      for (int d = 0; d < HEAD_DIM; ++d) dot = fma(qv[d], k_tile[t * HEAD_DIM + d], dot);
      dot = k0 + t < visible ? dot : -INFINITY;
      s_loc[t * BQ + lid] = dot;
      tile_max = fmax(tile_max, dot);
    }
    const float m_new = fmax(m, tile_max);
    // Every key so far masked: keep weights 0 instead of NaN.
    const float m_sub = m_new == -INFINITY ? 0.0f : m_new;
    const float alpha = exp2(m - m_sub);
    l *= alpha;
#pragma unroll
    for (int d = 0; d < HEAD_DIM; ++d) acc[d] *= alpha;
    for (int t = 0; t < BK; ++t) {
      const float p = exp2(s_loc[t * BQ + lid] - m_sub);
      l += p;
#pragma unroll
      for (int d = 0; d < HEAD_DIM; ++d) acc[d] = fma(p, v_tile[t * HEAD_DIM + d], acc[d]);
    }
    m = m_new;
  }

  if (valid) {
    const size_t o_base = o_off + ((size_t)bh * sq + (size_t)i) * HEAD_DIM;
    const float inv = 1.0f / l;
    for (int d = 0; d < HEAD_DIM; ++d) o[o_base + d] = to_stor(acc[d] * inv);
  }
}
