// Rank 0's report when an MPI job fails mid-run. The mpi backend's job monitor learns that a
// rank was lost (its host died, the launcher is ending the job) or a call timed out, and calls
// on_failure() on its own thread before it ends the job; the report written then holds every
// case finished so far, the case in flight as crash or timeout with the monitor's words (which
// rank, which host), and the cases not reached as skipped, so a failed node costs the job but
// not its record.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/measurement.h"
#include "harness/run_plan.h"
#include "kernels/backend_api.h"
#include "reports/report.h"

namespace aicert {

class JobFailureReport {
 public:
  // `report` is rank 0's report in the making, owned by the caller; its cases are appended
  // through finished() only, while this object lives.
  JobFailureReport(Report& report, const std::vector<CaseRequest>& plan,
                   const MeasurementPolicy& policy, std::string out);

  void starting(std::size_t index);  // plan[index] is in flight
  void finished(CaseResult result);  // appended to the report
  void completed();                  // written normally from here: a late failure writes nothing

  // From the monitor's thread; writes the report and prints where it is.
  void on_failure(const JobFailure& failure);

 private:
  std::mutex mutex_;
  Report& report_;
  const std::vector<CaseRequest>& plan_;
  MeasurementPolicy policy_;
  std::string out_;
  std::optional<std::size_t> running_;
  bool completed_ = false;
};

}  // namespace aicert
