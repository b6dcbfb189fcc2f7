// The exported entry of aicert-backend-cuda.so: API version and the backend factory.
// The only symbol with default visibility; everything else in the plugin is hidden.
#include <exception>

#include "kernels/backend_api.h"
#include "kernels/cuda/cuda_backend.h"

namespace {

aicert::Backend* create_backend(std::string* why_unavailable) {
  try {
    return aicert::cuda::CudaBackend::create(why_unavailable).release();
  } catch (const std::exception& e) {
    if (why_unavailable) *why_unavailable = std::string("CUDA initialisation failed: ") + e.what();
    return nullptr;
  }
}

void destroy_backend(aicert::Backend* backend) { delete backend; }

constexpr aicert::PluginEntry kEntry{aicert::kPluginApiVersion, "cuda", &create_backend,
                                     &destroy_backend};

}  // namespace

extern "C" __attribute__((visibility("default"))) const aicert::PluginEntry* aicert_plugin_entry() {
  return &kEntry;
}
