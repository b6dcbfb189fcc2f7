// Formatting of per-case progress lines and the summary.
#include "harness/console.h"

#include <cstdio>

#include "workloads/workload_registry.h"

namespace aicert {

std::string format_case_line(const CaseResult& r, std::size_t index, std::size_t total) {
  char head[64];
  const int width = static_cast<int>(std::to_string(total).size());
  std::snprintf(head, sizeof head, "[%*zu/%zu] %-13s ", width, index, total,
                std::string(verdict_name(r.verdict)).c_str());
  std::string line = head + r.id;
  if (r.timing) {
    // The figure of the case's workload, then its timing's spread.
    char perf[160];
    if (!r.bandwidth) {
      std::snprintf(perf, sizeof perf, "  %9.2f GFLOP/s", r.gflops);
    } else if (workload_of(r.spec.spec).figure() == Figure::gbps) {
      const Bandwidth& b = *r.bandwidth;
      std::snprintf(perf, sizeof perf, "  %11.0f B  %10.2f us  %9.2f GB/s", b.bytes,
                    b.latency_us, b.algbw_gbps);
    } else {
      const Bandwidth& b = *r.bandwidth;
      std::snprintf(perf, sizeof perf,
                    "  %11.0f B  %10.2f us  algbw %8.3f GB/s  busbw %8.3f GB/s", b.bytes,
                    b.latency_us, b.algbw_gbps, b.busbw_gbps);
    }
    line += perf;
    std::snprintf(perf, sizeof perf, "  cv %5.1f%%%s", 100.0 * r.timing->cv,
                  r.timing->noisy ? " (noisy)" : "");
    line += perf;
  }
  if (r.roofline) {
    char roof[64];
    std::snprintf(roof, sizeof roof, "  %.0f%% of roofline (%s)", 100 * r.roofline->fraction,
                  r.roofline->bound.c_str());
    line += roof;
  }
  if (r.nominal) {
    char nominal[64];
    std::snprintf(nominal, sizeof nominal, "  %.0f%% of nominal %.0f", 100 * r.nominal->fraction,
                  r.nominal->gflops);
    line += nominal;
  }
  if (r.telemetry) {
    // The clock it ran at and what it drew, where known; throttling always.
    char state[96] = "";
    const CaseTelemetry& t = *r.telemetry;
    if (t.core_mhz_median) std::snprintf(state, sizeof state, "  %.0f MHz", *t.core_mhz_median);
    line += state;
    if (t.power_w) {
      std::snprintf(state, sizeof state, "  %.0f W", *t.power_w);
      line += state;
    }
    if (t.gflop_per_j) {
      std::snprintf(state, sizeof state, "  %.2f GFLOP/J", *t.gflop_per_j);
      line += state;
    }
    if (t.throttled) {
      line += "  THROTTLED:";
      for (const std::string& why : t.throttle_reasons) line += " " + why;
    }
  }
  if (r.verdict != Verdict::pass && !r.reason.empty()) line += "  -- " + r.reason;
  return line;
}

std::string format_summary(const ReportSummary& s) {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "%s: %d cases, %d passed, %d failed, %d errors, %d not supported, %d skipped",
                s.verdict.c_str(), s.total, s.passed, s.failed, s.errors, s.not_supported,
                s.skipped);
  return buf;
}

}  // namespace aicert
