// Verdict names and the summary of a report's case results.
#include "reports/case_result.h"

#include <array>
#include <utility>

#include "reports/report.h"
#include "workloads/workload_registry.h"

namespace aicert {

namespace {
constexpr std::array<std::pair<Verdict, std::string_view>, 8> kVerdictNames{{
    {Verdict::pass, "pass"},
    {Verdict::fail, "fail"},
    {Verdict::skip, "skip"},
    {Verdict::not_supported, "not-supported"},
    {Verdict::error, "error"},
    {Verdict::crash, "crash"},
    {Verdict::timeout, "timeout"},
    {Verdict::waived, "waived"},
}};
}  // namespace

std::string_view verdict_name(Verdict v) {
  for (const auto& [verdict, name] : kVerdictNames) {
    if (verdict == v) return name;
  }
  return "?";
}

std::optional<Verdict> parse_verdict(std::string_view name) {
  for (const auto& [verdict, n] : kVerdictNames) {
    if (n == name) return verdict;
  }
  return std::nullopt;
}

ReportSummary summarize(const std::vector<CaseResult>& cases) {
  ReportSummary s;
  for (const auto& c : cases) {
    ++s.total;
    switch (c.verdict) {
      case Verdict::pass:
      case Verdict::waived: ++s.passed; break;
      case Verdict::fail: ++s.failed; break;
      case Verdict::skip: ++s.skipped; break;
      case Verdict::not_supported: ++s.not_supported; break;
      case Verdict::error:
      case Verdict::crash:
      case Verdict::timeout: ++s.errors; break;
    }
  }
  s.verdict = (s.failed == 0 && s.errors == 0) ? "PASS" : "FAIL";
  return s;
}

double case_figure(const CaseResult& c) {
  switch (workload_of(c.spec.spec).figure()) {
    case Figure::gflops:
      return c.gflops;
    case Figure::busbw_gbps:
      return c.bandwidth ? c.bandwidth->busbw_gbps : 0.0;
    case Figure::gbps:
      return c.bandwidth ? c.bandwidth->algbw_gbps : 0.0;
  }
  return 0.0;
}

}  // namespace aicert
