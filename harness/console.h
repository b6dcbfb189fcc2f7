// Console lines of a run: one line per finished case, and the closing summary.
#pragma once

#include <string>

#include "reports/case_result.h"
#include "reports/report.h"

namespace aicert {

// "[ 3/27] pass  gemm/cpu0/cpu:blocked/fp32/NN/512x512x512   41.2 GFLOP/s  cv 1.3%"
// Collectives show size, time, algbw and busbw instead of GFLOP/s.
std::string format_case_line(const CaseResult& result, std::size_t index, std::size_t total);
std::string format_summary(const ReportSummary& summary);

}  // namespace aicert
