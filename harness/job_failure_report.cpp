// Rank 0's report of a job that failed mid-run; see job_failure_report.h.
#include "harness/job_failure_report.h"

#include <exception>
#include <filesystem>
#include <iostream>

#include "harness/case_runner.h"
#include "harness/console.h"
#include "harness/worker_protocol.h"
#include "reports/report_xml.h"
#include "reports/roofline.h"

namespace aicert {

JobFailureReport::JobFailureReport(Report& report, const std::vector<CaseRequest>& plan,
                                   const MeasurementPolicy& policy, std::string out)
    : report_(report), plan_(plan), policy_(policy), out_(std::move(out)) {}

void JobFailureReport::starting(std::size_t index) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_ = index;
}

void JobFailureReport::finished(CaseResult result) {
  std::lock_guard<std::mutex> lock(mutex_);
  report_.cases.push_back(std::move(result));
  running_.reset();
}

void JobFailureReport::completed() {
  std::lock_guard<std::mutex> lock(mutex_);
  completed_ = true;
}

void JobFailureReport::on_failure(const JobFailure& failure) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (completed_) return;
  Report report = report_;
  const std::size_t next = report.cases.size();
  std::string failed_case = "no case, " + failure.why;
  for (std::size_t i = next; i < plan_.size(); ++i) {
    const WorkerRequest request{plan_[i], case_id(plan_[i]), policy_, 0};
    if (running_ && *running_ == i) {
      failed_case = request.case_id;
      report.cases.push_back(result_without_worker(
          request, failure.timed_out ? Verdict::timeout : Verdict::crash,
          "the MPI job failed during this case: " + failure.why));
    } else {
      report.cases.push_back(result_without_worker(
          request, Verdict::skip, "not run: the MPI job ended before it (at " + failed_case + ")"));
    }
  }
  attach_rooflines(report);
  report.summary = summarize(report.cases);
  try {
    write_report_xml(report, out_);
  } catch (const std::exception& e) {
    std::cerr << "aicert: the job failed and its report could not be written: " << e.what()
              << "\n";
    return;
  }
  std::cout << format_summary(report.summary) << "\n"
            << "report (the job failed: " << failure.why << "): "
            << std::filesystem::absolute(out_).lexically_normal().string() << "\n"
            << std::flush;
}

}  // namespace aicert
