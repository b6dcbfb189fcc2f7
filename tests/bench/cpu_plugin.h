// The cpu backend plugin as a benchmark loads it: dlopen'ed from the build's plugin folder once,
// its entry checked against this build's plugin API. Throws when it cannot be loaded.
// AICERT_PLUGIN_DIR is the benchmark target's compile definition.
#pragma once

#include <dlfcn.h>

#include <stdexcept>
#include <string>

#include "kernels/backend_api.h"

namespace aicert::bench {

inline Backend& cpu_backend() {
  static constexpr const char* kPluginFile = AICERT_PLUGIN_DIR "/aicert-backend-cpu.so";
  static Backend* backend = [] {
    void* lib = dlopen(kPluginFile, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
    auto fn = reinterpret_cast<AicertPluginEntryFn>(dlsym(lib, AICERT_PLUGIN_ENTRY_SYMBOL));
    if (fn == nullptr || fn()->api_version != kPluginApiVersion) {
      throw std::runtime_error(std::string("no matching entry in ") + kPluginFile);
    }
    std::string why;
    Backend* b = fn()->create(&why);
    if (b == nullptr) throw std::runtime_error("cpu backend unavailable: " + why);
    return b;
  }();
  return *backend;
}

}  // namespace aicert::bench
