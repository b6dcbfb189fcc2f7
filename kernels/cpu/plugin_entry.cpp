// The one symbol aicert-backend-cpu.so exports: aicert_plugin_entry(). Everything else in the
// plugin has hidden visibility.
#include <exception>
#include <string>

#include "kernels/backend_api.h"
#include "kernels/cpu/cpu_backend.h"

namespace {

aicert::Backend* create_backend(std::string* why_unavailable) {
  try {
    return new aicert::cpu::CpuBackend();
  } catch (const std::exception& e) {
    if (why_unavailable) *why_unavailable = std::string("cpu backend: ") + e.what();
    return nullptr;
  }
}

void destroy_backend(aicert::Backend* backend) { delete backend; }

const aicert::PluginEntry kEntry{aicert::kPluginApiVersion, "cpu", &create_backend,
                                 &destroy_backend};

}  // namespace

extern "C" __attribute__((visibility("default"))) const aicert::PluginEntry* aicert_plugin_entry() {
  return &kEntry;
}
