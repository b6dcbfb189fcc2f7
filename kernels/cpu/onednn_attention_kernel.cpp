// cpu:onednn attention: the primitives are made once per case (not timed), the memory objects
// over the uploaded payloads at upload, and one run executes them in order on a CPU stream
// that is waited for inside the timed region.
#include "kernels/cpu/onednn_attention_kernel.h"

#include <omp.h>

#include <limits>
#include <optional>
#include <stdexcept>

#include <oneapi/dnnl/dnnl.hpp>

#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/attention_operands.h"
#include "kernels/cpu/onednn_library.h"

namespace aicert::cpu {
namespace {

using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;
using desc = dnnl::memory::desc;

desc plain(const dims& d, dt type) {
  return desc(d, type, dims{d[1] * d[2] * d[3], d[2] * d[3], d[3], 1});
}

}  // namespace

struct OnednnAttentionKernel::Primitives {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  desc q, kt, v, o, scores, mask, probabilities;
  dnnl::matmul qk, pv;
  std::optional<dnnl::binary> add_mask;
  dnnl::softmax_forward softmax;
  std::optional<dnnl::reorder> narrow;  // fp32 probabilities to the dtype of V
  AlignedBuffer scores_buffer, mask_buffer, probabilities_buffer;
  std::optional<dnnl::memory> q_mem, k_mem, v_mem, o_mem, s_mem, m_mem, p_mem;
};

OnednnAttentionKernel::OnednnAttentionKernel(const AttentionSpec& spec, int threads,
                                             std::unique_ptr<Primitives> p)
    : spec_(spec), threads_(threads), p_(std::move(p)) {}

OnednnAttentionKernel::~OnednnAttentionKernel() = default;

double OnednnAttentionKernel::scratch_bytes(const AttentionSpec& s) {
  const double scores = static_cast<double>(s.batch) * s.q_heads * s.q_len * s.kv_len;
  const double mask = s.causal ? static_cast<double>(s.q_heads / s.kv_heads) * s.q_len * s.kv_len : 0;
  const double narrow = s.dtype == DType::fp32 ? 0 : scores * static_cast<double>(dtype_size(s.dtype));
  return 4 * scores + 4 * mask + narrow;
}

std::unique_ptr<Kernel> OnednnAttentionKernel::make(const AttentionSpec& s, int threads,
                                                    std::string* why_not) {
  const std::optional<dt> type = onednn_type(s.dtype);
  if (!type) {
    if (why_not) *why_not = "oneDNN has no " + std::string(dtype_name(s.dtype)) + " attention";
    return nullptr;
  }
  const std::int64_t group = s.q_heads / s.kv_heads;
  const std::int64_t rows = group * s.q_len;  // query rows per KV head
  std::unique_ptr<Primitives> p;
  const char* step = "matmul";  // the primitive being made, for a refusal
  try {
    p = std::make_unique<Primitives>();
    p->q = plain({s.batch, s.kv_heads, rows, s.head_dim}, *type);
    // K^T as the weights of Q K^T: K [B,Hkv,Sk,D] read with swapped strides.
    p->kt = desc(dims{s.batch, s.kv_heads, s.head_dim, s.kv_len}, *type,
                 dims{s.kv_heads * s.kv_len * s.head_dim, s.kv_len * s.head_dim, 1, s.head_dim});
    p->v = plain({s.batch, s.kv_heads, s.kv_len, s.head_dim}, *type);
    p->o = plain({s.batch, s.kv_heads, rows, s.head_dim}, *type);
    p->scores = plain({s.batch, s.kv_heads, rows, s.kv_len}, dt::f32);
    p->probabilities = plain({s.batch, s.kv_heads, rows, s.kv_len}, *type);

    dnnl::primitive_attr scaled;
    scaled.set_output_scales(0, {static_cast<float>(s.softmax_scale())});
    p->qk = dnnl::matmul(dnnl::matmul::primitive_desc(dnnl::matmul::desc(p->q, p->kt, p->scores),
                                                      scaled, p->engine));
    step = "binary add";
    if (s.causal) {
      // -inf where key j is past query i's position (row r of a group is query r mod Sq).
      p->mask = plain({1, 1, rows, s.kv_len}, dt::f32);
      p->mask_buffer.resize(static_cast<std::size_t>(rows * s.kv_len) * sizeof(float));
      float* m = p->mask_buffer.as<float>();
      for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t visible = s.visible_keys(r % s.q_len);
        for (std::int64_t j = 0; j < s.kv_len; ++j) {
          m[r * s.kv_len + j] = j < visible ? 0.0f : -std::numeric_limits<float>::infinity();
        }
      }
      p->add_mask = dnnl::binary(dnnl::binary::primitive_desc(
          dnnl::binary::desc(dnnl::algorithm::binary_add, p->scores, p->mask, p->scores),
          p->engine));
    }
    step = "softmax";
    p->softmax = dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(
        dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, p->scores, 3), p->engine));
    step = "reorder";
    if (*type != dt::f32) {
      p->narrow = dnnl::reorder(
          dnnl::reorder::primitive_desc(p->engine, p->scores, p->engine, p->probabilities));
    }
    step = "matmul";
    p->pv = dnnl::matmul(dnnl::matmul::primitive_desc(
        dnnl::matmul::desc(*type == dt::f32 ? p->scores : p->probabilities, p->v, p->o),
        p->engine));
  } catch (const dnnl::error& e) {
    if (e.status == dnnl_unimplemented) {
      if (why_not) *why_not = onednn_refusal(step, s.dtype, e);
      return nullptr;
    }
    throw std::runtime_error(std::string("cpu:onednn attention: ") + e.what());
  }
  p->scores_buffer.resize(static_cast<std::size_t>(s.batch * s.q_heads * s.q_len * s.kv_len) *
                          sizeof(float));
  if (p->narrow) {
    p->probabilities_buffer.resize(
        static_cast<std::size_t>(s.batch * s.q_heads * s.q_len * s.kv_len) * dtype_size(s.dtype));
  }
  return std::unique_ptr<Kernel>(new OnednnAttentionKernel(s, threads, std::move(p)));
}

void OnednnAttentionKernel::upload(const HostTensors& tensors) {
  Primitives& p = *p_;
  // The old memory objects point into the buffers upload() replaces: gone first, so that a
  // failed upload leaves a kernel that refuses to run rather than one that reads freed memory.
  p.q_mem.reset();
  p.k_mem.reset();
  p.v_mem.reset();
  p.o_mem.reset();
  tensors_.upload(tensors);
  check_attention_tensors(spec_, tensors_, kOnednnImpl);
  p.q_mem.emplace(p.q, p.engine, tensors_.payload("Q"));
  p.k_mem.emplace(p.kt, p.engine, tensors_.payload("K"));
  p.v_mem.emplace(p.v, p.engine, tensors_.payload("V"));
  p.o_mem.emplace(p.o, p.engine, tensors_.payload("O"));
  p.s_mem.emplace(p.scores, p.engine, p.scores_buffer.data());
  if (p.add_mask) p.m_mem.emplace(p.mask, p.engine, p.mask_buffer.data());
  if (p.narrow) p.p_mem.emplace(p.probabilities, p.engine, p.probabilities_buffer.data());
}

void OnednnAttentionKernel::run() {
  Primitives& p = *p_;
  if (!p.q_mem) throw std::logic_error("cpu:onednn: run() before upload()");
  omp_set_num_threads(threads_);  // this thread's OpenMP team, as the backend's pool is sized
  timer_.time([&p] {
    p.qk.execute(p.stream, {{DNNL_ARG_SRC, *p.q_mem}, {DNNL_ARG_WEIGHTS, *p.k_mem},
                            {DNNL_ARG_DST, *p.s_mem}});
    if (p.add_mask) {
      p.add_mask->execute(p.stream, {{DNNL_ARG_SRC_0, *p.s_mem}, {DNNL_ARG_SRC_1, *p.m_mem},
                                     {DNNL_ARG_DST, *p.s_mem}});
    }
    p.softmax.execute(p.stream, {{DNNL_ARG_SRC, *p.s_mem}, {DNNL_ARG_DST, *p.s_mem}});
    const dnnl::memory& probabilities = p.narrow ? *p.p_mem : *p.s_mem;
    if (p.narrow) p.narrow->execute(p.stream, *p.s_mem, *p.p_mem);
    p.pv.execute(p.stream, {{DNNL_ARG_SRC, probabilities}, {DNNL_ARG_WEIGHTS, *p.v_mem},
                            {DNNL_ARG_DST, *p.o_mem}});
    p.stream.wait();
  });
}

}  // namespace aicert::cpu
