// The subcommands of the aicert executable. Each registers itself on the CLI11 app; when it is
// the one given, parsing stores its action, which main() then calls for the exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace aicert {

using CommandAction = std::function<int()>;

void add_probe_command(CLI::App& app, CommandAction& action);
void add_list_command(CLI::App& app, CommandAction& action);
void add_run_command(CLI::App& app, CommandAction& action, const std::string& command_line);
void add_certify_command(CLI::App& app, CommandAction& action, const std::string& command_line);
void add_worker_command(CLI::App& app, CommandAction& action);
void add_report_commands(CLI::App& app, CommandAction& action);     // report, compare
void add_fleet_command(CLI::App& app, CommandAction& action);
void add_integrity_commands(CLI::App& app, CommandAction& action);  // sign, verify
void add_programme_command(CLI::App& app, CommandAction& action);
void add_completion_command(CLI::App& app, CommandAction& action);

}  // namespace aicert
