// dlopen-based plugin loading; see plugin_registry.h.
#include "harness/plugin_registry.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "harness/plugin_dirs.h"
#include "harness/text_join.h"

namespace aicert {

namespace fs = std::filesystem;

namespace {
std::vector<std::string> plugin_search_path() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("AICERT_PLUGIN_PATH"); env != nullptr && *env != '\0') {
    std::stringstream ss(env);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      if (!dir.empty()) dirs.push_back(dir);
    }
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path bin = exe.parent_path();
    for (const char* rel : {AICERT_PLUGIN_RELDIR_INSTALL, "../lib/aicert"}) {
      const fs::path dir = (bin / rel).lexically_normal();
      bool seen = false;
      for (const auto& d : dirs) seen = seen || d == dir.string();
      if (!seen) dirs.push_back(dir.string());
    }
  }
  return dirs;
}

}  // namespace

const std::vector<std::string>& PluginRegistry::known_backends() {
  static const std::vector<std::string> names{"cpu", "opencl", "cuda", "hip", "level_zero",
                                              "mpi"};
  return names;
}

PluginRegistry PluginRegistry::load_all() {
  PluginRegistry r;
  r.search_path_ = plugin_search_path();
  for (const auto& name : known_backends()) r.load(name);
  return r;
}

PluginRegistry PluginRegistry::load_one(const std::string& name) {
  PluginRegistry r;
  r.search_path_ = plugin_search_path();
  r.load(name);
  return r;
}

PluginRegistry::PluginRegistry(PluginRegistry&&) noexcept = default;
PluginRegistry& PluginRegistry::operator=(PluginRegistry&&) noexcept = default;

PluginRegistry::~PluginRegistry() {
  // Backends are destroyed, but their libraries stay loaded: vendor runtimes (OpenCL ICDs,
  // CUDA) register exit handlers that must still find their code at process exit.
  for (auto& [backend, destroy] : owned_) destroy(backend);
}

const LoadedBackend* PluginRegistry::find(const std::string& name) const {
  for (const auto& b : backends_) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

void PluginRegistry::load(const std::string& name) {
  LoadedBackend lb;
  lb.name = name;
  const std::string file = "aicert-backend-" + name + ".so";
  for (const auto& dir : search_path_) {
    const fs::path candidate = fs::path(dir) / file;
    if (fs::exists(candidate)) {
      lb.plugin_path = candidate.string();
      break;
    }
  }
  if (lb.plugin_path.empty()) {
    // Installed from packages, each backend but cpu is a package of its own (ci/packaging).
    std::string package = "aicert-" + name;
    std::replace(package.begin(), package.end(), '_', '-');
    lb.reason = "plugin " + file + " not found (not built for this machine, or from packages: " +
                "install " + package + "; searched " + join(search_path_, ", ") + ")";
    backends_.push_back(lb);
    return;
  }
  void* handle = dlopen(lb.plugin_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    lb.reason = std::string("cannot load ") + lb.plugin_path + ": " + dlerror();
    backends_.push_back(lb);
    return;
  }
  auto entry_fn = reinterpret_cast<AicertPluginEntryFn>(dlsym(handle, AICERT_PLUGIN_ENTRY_SYMBOL));
  const PluginEntry* entry = entry_fn != nullptr ? entry_fn() : nullptr;
  if (entry == nullptr) {
    lb.reason = lb.plugin_path + " exports no " AICERT_PLUGIN_ENTRY_SYMBOL "()";
  } else if (entry->api_version != kPluginApiVersion) {
    lb.reason = lb.plugin_path + " speaks plugin API version " +
                std::to_string(entry->api_version) + ", this aicert expects " +
                std::to_string(kPluginApiVersion) + " (mixed installations?)";
  } else {
    std::string why;
    try {
      lb.backend = entry->create(&why);
    } catch (const std::exception& e) {
      why = std::string("initialisation threw: ") + e.what();
    }
    if (lb.backend != nullptr) {
      owned_.emplace_back(lb.backend, entry->destroy);
      lb.available = true;
    } else {
      lb.reason = why.empty() ? "backend reported no reason" : why;
    }
  }
  backends_.push_back(lb);
}

}  // namespace aicert
