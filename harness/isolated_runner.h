// Runs cases in worker processes, one per backend and device, as certify and run both do: a
// case whose worker crashes or outlives the watchdog becomes a `crash` or `timeout` result
// with the tail of the worker's stderr, and the next case of that device gets a new worker.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "harness/worker_process.h"
#include "harness/worker_protocol.h"

namespace aicert {

class IsolatedRunner {
 public:
  CaseResult run(const WorkerRequest& request, double timeout_s);

 private:
  std::map<std::string, std::unique_ptr<WorkerProcess>> workers_;  // by backend and device
};

}  // namespace aicert
