// Finds, loads (dlopen) and owns the backend plugins aicert-backend-<name>.so.
// Search order: every folder of $AICERT_PLUGIN_PATH (colon-separated), then the folders
// relative to the executable (../lib/aicert and the install libdir), so the same binary works
// from the build tree and when installed. A missing plugin, a library it needs that is absent,
// an API version mismatch or a backend without devices makes that backend "unavailable: why".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/backend_api.h"

namespace aicert {

struct LoadedBackend {
  std::string name;
  std::string plugin_path;     // empty when no plugin file was found
  bool available = false;
  std::string reason;          // why unavailable
  Backend* backend = nullptr;  // owned by the registry; null when unavailable
};

class PluginRegistry {
 public:
  // Every backend aicert knows, in report order.
  static const std::vector<std::string>& known_backends();

  // Loads every known backend's plugin it can find.
  static PluginRegistry load_all();
  // Loads only the named backend's plugin (a certify worker needs just its own).
  static PluginRegistry load_one(const std::string& name);

  PluginRegistry(PluginRegistry&&) noexcept;
  PluginRegistry& operator=(PluginRegistry&&) noexcept;
  ~PluginRegistry();

  const std::vector<LoadedBackend>& backends() const { return backends_; }
  // The loaded backend of that name, or null when it is unknown.
  const LoadedBackend* find(const std::string& name) const;
  const std::vector<std::string>& search_path() const { return search_path_; }

 private:
  PluginRegistry() = default;
  void load(const std::string& name);

  std::vector<std::string> search_path_;
  std::vector<LoadedBackend> backends_;
  std::vector<std::pair<Backend*, void (*)(Backend*)>> owned_;
};

}  // namespace aicert
