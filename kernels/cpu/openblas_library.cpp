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

namespace {

// `name` in the library that provides our cblas_sgemm, or null with the reason in *why_not.
// Asks that library, not the global scope: the plugin is loaded RTLD_LOCAL, so its OpenBLAS is
// not visible through RTLD_DEFAULT. *file: the library's path.
void* openblas_symbol(const char* name, std::string* file, std::string* why_not) {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cblas_sgemm), &info) == 0 || info.dli_fname == nullptr) {
    if (why_not) *why_not = "cannot tell which library provides cblas_sgemm (dladdr failed)";
    return nullptr;
  }
  *file = info.dli_fname;
  void* lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  if (lib == nullptr) {
    if (why_not) *why_not = std::string("dlopen(") + info.dli_fname + ") failed: " + dlerror();
    return nullptr;
  }
  void* sym = dlsym(lib, name);
  dlclose(lib);  // only drops the reference RTLD_NOLOAD added; the plugin keeps it loaded
  if (sym == nullptr && why_not) *why_not = "";
  return sym;
}

}  // namespace

CblasSbgemmFn find_cblas_sbgemm(std::string* why_not) {
  std::string file;
  void* sym = openblas_symbol("cblas_sbgemm", &file, why_not);
  if (sym == nullptr) {
    if (why_not && why_not->empty()) {
      *why_not = "OpenBLAS " + openblas_version() + " (" + file +
                 ") exports no cblas_sbgemm; CBLAS has no bf16 GEMM";
    }
    return nullptr;
  }
  return reinterpret_cast<CblasSbgemmFn>(sym);
}

void park_openblas_threads() {
  std::string file, why;
  static void* const shutdown = openblas_symbol("blas_thread_shutdown_", &file, &why);
  if (shutdown != nullptr) reinterpret_cast<int (*)()>(shutdown)();
}

}  // namespace aicert::cpu
