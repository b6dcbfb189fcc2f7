// OpenBLAS identity and the run-time lookup of cblas_sbgemm in the very library we linked.
#include "kernels/cpu/openblas_library.h"

#include <dlfcn.h>

namespace aicert::cpu {

std::string openblas_config() {
  const char* config = openblas_get_config();
  return config ? config : "OpenBLAS (no config string)";
}

std::string openblas_corename() {
  const char* core = openblas_get_corename();
  return core ? core : "";
}

std::string openblas_version() {
  const std::string config = openblas_config();
  const std::string prefix = "OpenBLAS ";
  if (config.rfind(prefix, 0) != 0) return config;
  const auto end = config.find(' ', prefix.size());
  return config.substr(prefix.size(), end == std::string::npos ? end : end - prefix.size());
}

CblasSbgemmFn find_cblas_sbgemm(std::string* why_not) {
  // Ask the library that provides our cblas_sgemm, not the global scope: the plugin is loaded
  // RTLD_LOCAL, so its OpenBLAS is not visible through RTLD_DEFAULT.
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cblas_sgemm), &info) == 0 || info.dli_fname == nullptr) {
    if (why_not) *why_not = "cannot tell which library provides cblas_sgemm (dladdr failed)";
    return nullptr;
  }
  void* lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  if (lib == nullptr) {
    if (why_not) *why_not = std::string("dlopen(") + info.dli_fname + ") failed: " + dlerror();
    return nullptr;
  }
  void* sym = dlsym(lib, "cblas_sbgemm");
  dlclose(lib);  // only drops the reference RTLD_NOLOAD added; the plugin keeps it loaded
  if (sym == nullptr) {
    if (why_not) {
      *why_not = "OpenBLAS " + openblas_version() + " (" + info.dli_fname +
                 ") exports no cblas_sbgemm; CBLAS has no bf16 GEMM";
    }
    return nullptr;
  }
  return reinterpret_cast<CblasSbgemmFn>(sym);
}

}  // namespace aicert::cpu
