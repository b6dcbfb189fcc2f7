// `aicert probe [--xml FILE]`: what is this machine.
#include <iostream>
#include <memory>

#include "harness/commands.h"
#include "harness/exit_codes.h"
#include "harness/machine_inventory.h"
#include "harness/output_path.h"
#include "probes/probe.h"
#include "reports/report_xml.h"

namespace aicert {

void add_probe_command(CLI::App& app, CommandAction& action) {
  auto xml_path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "probe",
      "Describe this machine: CPU topology, memory, caches, PCI devices with link speed/width, "
      "OS, firmware (DMI) and every backend's devices. Needs no root; what cannot be read is "
      "shown as unknown.");
  cmd->add_option("--xml", *xml_path,
                  "Also write the inventory as XML (the <inventory> element of the report "
                  "schema, with hwloc's own XML embedded) to FILE")
      ->option_text("FILE");
  cmd->callback([&action, xml_path] {
    action = [xml_path] {
      if (!xml_path->empty()) check_output_path(*xml_path);
      const PluginRegistry registry = PluginRegistry::load_all();
      const Inventory inventory = build_inventory(registry);
      std::cout << format_inventory_text(inventory);
      if (!xml_path->empty()) {
        write_inventory_xml(inventory, *xml_path);
        std::cout << "inventory written to " << *xml_path << "\n";
      }
      return static_cast<int>(kExitOk);
    };
  });
}

}  // namespace aicert
