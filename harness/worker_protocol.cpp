// Request encoding of the certify worker protocol; see worker_protocol.h.
#include "harness/worker_protocol.h"

#include <sstream>
#include <vector>

#include "reports/report_xml.h"
#include "reports/xml_lexical.h"

namespace aicert {

namespace {
constexpr std::string_view kMagic = "aicert-request-1";
}  // namespace

CaseResult result_without_worker(const WorkerRequest& r, Verdict verdict, std::string reason) {
  CaseResult c;
  c.id = r.case_id;
  c.spec = r.request.spec;
  c.backend = r.request.backend;
  c.device = r.request.device;
  c.device_name = r.request.device_name;
  c.impl = r.request.impl;
  c.verdict = verdict;
  c.reason = std::move(reason);
  return c;
}

// "<magic> warmups min-reps min-time max-reps max-time max-cv tolerance-c repeat-s\t<case/>"
std::string encode_request(const WorkerRequest& r) {
  const MeasurementPolicy& p = r.policy;
  std::string line(kMagic);
  for (const double v : {static_cast<double>(p.warmups), static_cast<double>(p.min_repetitions),
                         p.min_time_ms, static_cast<double>(p.max_repetitions), p.max_time_ms,
                         p.max_cv, r.request.spec.tolerance_c, r.repeat_check_s}) {
    line += ' ' + format_double(v);
  }
  line += '\t';
  line += case_result_to_line(result_without_worker(r, Verdict::skip, ""));
  return line;
}

WorkerRequest decode_request(std::string_view line) {
  const auto tab = line.find('\t');
  std::istringstream head{std::string(line.substr(0, tab))};
  std::string magic;
  head >> magic;
  std::vector<double> v;
  for (std::string word; head >> word;) {
    const auto d = parse_double(word);
    if (!d) break;
    v.push_back(*d);
  }
  if (tab == std::string_view::npos || magic != kMagic || v.size() != 8) {
    throw ReportParseError("worker request: malformed line (expected " + std::string(kMagic) +
                           " and 8 numbers)");
  }
  const CaseResult c = case_result_from_line(line.substr(tab + 1), "worker request", 1);
  WorkerRequest r;
  r.case_id = c.id;
  r.request.backend = c.backend;
  r.request.device = c.device;
  r.request.device_name = c.device_name;
  r.request.impl = c.impl;
  r.request.spec = c.spec;
  r.policy.warmups = static_cast<int>(v[0]);
  r.policy.min_repetitions = static_cast<int>(v[1]);
  r.policy.min_time_ms = v[2];
  r.policy.max_repetitions = static_cast<int>(v[3]);
  r.policy.max_time_ms = v[4];
  r.policy.max_cv = v[5];
  r.request.spec.tolerance_c = v[6];
  r.repeat_check_s = v[7];
  return r;
}

}  // namespace aicert
