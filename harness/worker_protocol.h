// The line protocol between `aicert certify` and its per-device worker processes: the parent
// writes one request line per case to the worker's stdin, the worker answers with one result
// line (case_result_to_line) on its stdout. One line each, so a crash mid-case leaves no
// half-read record: the parent either has the whole answer or knows the worker died.
#pragma once

#include <string>
#include <string_view>

#include "harness/case_runner.h"
#include "harness/measurement.h"

namespace aicert {

struct WorkerRequest {
  CaseRequest request;
  std::string case_id;  // the id the result is reported under
  MeasurementPolicy policy;
  double repeat_check_s = 0;  // bitwise repeat-consistency time (0: none)
};

// One line (see worker_protocol.cpp for its form); the version is in the line.
std::string encode_request(const WorkerRequest& r);
// Throws ReportParseError ("worker request:1: what is wrong") when the line is not a request of
// this version: truncated, garbled, a field missing or out of range.
WorkerRequest decode_request(std::string_view line);

// A result that stands for a case whose worker produced none (crash, timeout, ...).
CaseResult result_without_worker(const WorkerRequest& r, Verdict verdict, std::string reason);

}  // namespace aicert
