// Entry point of the aicert executable: parses the command line (CLI11), runs the subcommand
// and maps every outcome to the exit codes of harness/exit_codes.h.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "harness/build_info.h"
#include "harness/commands.h"
#include "harness/exit_codes.h"
#include "reports/report_xml.h"

int main(int argc, char** argv) {
  using namespace aicert;
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

  CLI::App app{
      "aicert " AICERT_VERSION
      " -- certifies AI servers: finds the hardware, runs GEMM kernels on every backend "
      "present (CPU, OpenCL, CUDA, HIP, Level Zero), checks every result against an fp64 "
      "reference, times it with the device's own timer and writes an XML report.\n"
      "Exit codes: 0 certified or all passed, 1 not certified or a case failed, 2 bad usage or "
      "input, 3 internal error.",
      "aicert"};
  app.set_version_flag("--version", "aicert " AICERT_VERSION " (" AICERT_GIT_REVISION ")");
  app.require_subcommand(1);
  CommandAction action;
  add_probe_command(app, action);
  add_list_command(app, action);
  add_run_command(app, action, command_line);
  add_certify_command(app, action, command_line);
  add_report_commands(app, action);
  add_fleet_command(app, action);
  add_integrity_commands(app, action);
  add_programme_command(app, action);
  add_completion_command(app, action);
  add_worker_command(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "aicert: " << e.what() << "\nRun 'aicert --help' for the commands and options.\n";
    return kExitBadInput;
  } catch (const UsageError& e) {
    std::cerr << "aicert: " << e.message << "\n";
    return kExitBadInput;
  }

  try {
    return action();
  } catch (const UsageError& e) {
    std::cerr << "aicert: " << e.message << "\n";
    return kExitBadInput;
  } catch (const ReportParseError& e) {
    std::cerr << "aicert: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "aicert: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
