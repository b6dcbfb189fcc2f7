// Parking of the BLAS's threads; see blas_threads.h.
#include "workloads/blas_threads.h"

#include <cblas.h>
#include <dlfcn.h>

namespace aicert {
namespace {

using ShutdownFn = int (*)();

// Asks the library that provides our cblas_dgemm, not the global scope: a plugin is loaded
// RTLD_LOCAL, so its OpenBLAS is not visible through RTLD_DEFAULT.
ShutdownFn find_shutdown() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cblas_dgemm), &info) == 0 || info.dli_fname == nullptr) {
    return nullptr;
  }
  void* lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  if (lib == nullptr) return nullptr;
  void* sym = dlsym(lib, "blas_thread_shutdown_");
  dlclose(lib);  // only drops the reference RTLD_NOLOAD added
  return reinterpret_cast<ShutdownFn>(sym);
}

}  // namespace

void park_blas_threads() {
  static const ShutdownFn shutdown = find_shutdown();
  if (shutdown != nullptr) shutdown();
}

}  // namespace aicert
