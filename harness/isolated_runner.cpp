// Cases in per-device worker processes; see isolated_runner.h.
#include "harness/isolated_runner.h"

#include <exception>
#include <string>

#include "reports/report_xml.h"

namespace aicert {

CaseResult IsolatedRunner::run(const WorkerRequest& request, double timeout_s) {
  const std::string key = request.request.backend + "/" + std::to_string(request.request.device);
  std::unique_ptr<WorkerProcess>& worker = workers_[key];
  if (!worker) worker = std::make_unique<WorkerProcess>(request.request.backend);
  const WorkerProcess::Answer answer = worker->ask(encode_request(request), timeout_s);
  if (answer.outcome == WorkerProcess::Outcome::answered) {
    try {
      return case_result_from_line(answer.line, "worker answer", 1);
    } catch (const std::exception& e) {
      // A worker whose answer cannot be read (a driver that scribbled over its memory) is not
      // to be trusted with the next case either.
      worker.reset();
      return result_without_worker(request, Verdict::crash,
                                   std::string("the worker's answer could not be read: ") +
                                       e.what());
    }
  }
  worker.reset();  // gone: the next case of this device starts a new one
  return result_without_worker(
      request,
      answer.outcome == WorkerProcess::Outcome::timed_out ? Verdict::timeout : Verdict::crash,
      answer.detail);
}

}  // namespace aicert
