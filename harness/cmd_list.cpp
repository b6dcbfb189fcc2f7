// `aicert list`: backends with their status, devices and implementations; workloads;
// the shipped certification profiles.
#include <iostream>

#include "harness/commands.h"
#include "harness/exit_codes.h"
#include "harness/plugin_registry.h"
#include "harness/profile.h"
#include "harness/run_plan.h"
#include "workloads/workload_registry.h"

namespace aicert {

namespace {
int run_list() {
  const PluginRegistry registry = PluginRegistry::load_all();
  std::cout << "Backends:\n";
  for (const auto& lb : registry.backends()) {
    std::cout << "  " << lb.name << ": ";
    if (!lb.available) {
      std::cout << "unavailable: " << lb.reason << "\n";
      continue;
    }
    std::cout << "available (" << lb.backend->runtime_version() << ")\n";
    for (const DeviceInfo& d : lb.backend->devices()) {
      std::cout << "    device " << d.index << ": " << d.name;
      if (d.compute_units > 0) std::cout << ", " << d.compute_units << " compute units";
      if (d.memory_bytes > 0) std::cout << ", " << (d.memory_bytes >> 20) << " MiB";
      if (!d.pci_bus_id.empty()) std::cout << ", PCI " << d.pci_bus_id;
      if (!d.driver_version.empty()) std::cout << ", driver " << d.driver_version;
      std::cout << "\n";
    }
    for (const Workload* w : registered_workloads()) {
      std::cout << "    " << w->name() << ":";
      for (const auto& impl : lb.backend->implementations(w->name())) std::cout << " " << impl;
      std::cout << "\n";
    }
  }
  std::cout << "Workloads:\n";
  for (const Workload* w : registered_workloads()) {
    std::cout << "  " << w->name() << " (" << figure_unit(w->figure()) << "): " << w->description()
              << "\n";
  }
  std::cout << "Profiles (aicert certify --profile NAME):";
  for (const auto& name : shipped_profiles()) std::cout << " " << name;
  std::cout << "\n";
  std::cout << "Plugin search path:";
  for (const auto& dir : registry.search_path()) std::cout << " " << dir;
  std::cout << "\n";
  return kExitOk;
}
}  // namespace

void add_list_command(CLI::App& app, CommandAction& action) {
  CLI::App* cmd = app.add_subcommand(
      "list",
      "List every backend with its status (available, or unavailable: why), its "
      "devices and the implementations it offers per workload, the workloads and the "
      "shipped certification profiles.");
  cmd->callback([&action] { action = run_list; });
}

}  // namespace aicert
