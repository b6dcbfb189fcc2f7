// oneDNN version and dispatch ISA through its C API (dnnl_version, dnnl_get_effective_cpu_isa),
// its data types and refusals.
#include "kernels/cpu/onednn_library.h"

#include <oneapi/dnnl/dnnl.h>

namespace aicert::cpu {

std::string onednn_version() {
  const dnnl_version_t* v = dnnl_version();
  std::string runtime = "other threading";
  if (v->cpu_runtime == DNNL_RUNTIME_OMP) runtime = "OpenMP";
  if (v->cpu_runtime == DNNL_RUNTIME_TBB) runtime = "TBB";
  if (v->cpu_runtime == DNNL_RUNTIME_SEQ) runtime = "sequential";
  if (v->cpu_runtime == DNNL_RUNTIME_THREADPOOL) runtime = "threadpool";
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->patch) + " (" + runtime + ")";
}

std::string onednn_isa() {
  switch (dnnl_get_effective_cpu_isa()) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    default: return "generic";
  }
}

std::optional<dnnl::memory::data_type> onednn_type(DType t) {
  using dt = dnnl::memory::data_type;
  switch (t) {
    case DType::fp32: return dt::f32;
    case DType::bf16: return dt::bf16;
    case DType::fp16: return dt::f16;
    case DType::int32:
    case DType::fp8e4m3: break;
  }
  return std::nullopt;
}

std::string onednn_refusal(std::string_view what, DType dtype, const dnnl::error& e) {
  return "oneDNN " + onednn_version() + " has no " + std::string(dtype_name(dtype)) + " " +
         std::string(what) + " here (dispatch ISA " + onednn_isa() + "): " + e.what();
}

}  // namespace aicert::cpu
