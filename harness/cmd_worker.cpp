// `aicert worker --backend NAME` (internal, hidden from --help): the process in which
// `aicert certify` and `aicert run` run the cases of one device, so that a crash or hang in a driver costs
// only the case it happened in. Reads request lines on stdin, answers result lines on stdout.
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>

#include <cstdio>
#include <iostream>
#include <memory>

#include "harness/commands.h"
#include "harness/exit_codes.h"
#include "harness/plugin_registry.h"
#include "harness/worker_protocol.h"
#include "reports/report_xml.h"

namespace aicert {

namespace {

int run_worker(const std::string& backend_name, pid_t parent) {
  // A worker must not outlive the run that started it (a killed `aicert run` would leave it
  // holding a device). The second test catches a parent that died before the prctl.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (parent > 0 && ::getppid() != parent) return kExitInternal;
  // Answers go to the original stdout; anything a driver prints to stdout lands on stderr,
  // where it cannot corrupt the protocol (and shows in a crash report).
  const int protocol_fd = ::dup(STDOUT_FILENO);
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  std::unique_ptr<FILE, int (*)(FILE*)> protocol(::fdopen(protocol_fd, "w"), &std::fclose);
  if (!protocol) return kExitInternal;

  const PluginRegistry registry = PluginRegistry::load_one(backend_name);
  const LoadedBackend* b = registry.find(backend_name);
  if (b == nullptr || !b->available) {
    std::cerr << "aicert worker: backend " << backend_name << " is unavailable"
              << (b ? ": " + b->reason : std::string()) << "\n";
    return kExitInternal;
  }
  for (std::string line; std::getline(std::cin, line);) {
    const WorkerRequest r = decode_request(line);
    CaseResult result = run_case(*b->backend, r.request, r.policy, r.repeat_check_s);
    result.id = r.case_id;
    const std::string answer = case_result_to_line(result) + "\n";
    if (std::fwrite(answer.data(), 1, answer.size(), protocol.get()) != answer.size() ||
        std::fflush(protocol.get()) != 0) {
      return kExitInternal;
    }
  }
  return kExitOk;
}

}  // namespace

void add_worker_command(CLI::App& app, CommandAction& action) {
  auto backend = std::make_shared<std::string>();
  auto parent = std::make_shared<pid_t>(0);
  CLI::App* cmd = app.add_subcommand(
      "worker", "Internal: runs cases of one backend for aicert certify (line protocol).");
  cmd->group("");  // not listed in --help
  cmd->add_option("--backend", *backend, "Backend whose cases this worker runs")->required();
  cmd->add_option("--parent", *parent, "Process id of the run that started this worker");
  cmd->callback([&action, backend, parent] {
    action = [backend, parent] { return run_worker(*backend, *parent); };
  });
}

}  // namespace aicert
