// `aicert compare`: two reports matched case by case on a comparison key (workload, shape,
// layout, dtype, backend and device, implementation), each pair classed as regression,
// improvement, no change, noisy, new, missing or status change, with a system diff on top.
// A time difference counts only when it exceeds the threshold and the repetition samples
// differ significantly (two-sided Mann-Whitney U test).
//
// Reports of different hardware (their machines' platforms or device names differ, or
// across_hardware is asked for) are matched on workload, shape, dtype and implementation family
// instead (implementation_family.h: "cpu:cblas" and "cuda:cublaslt" are both "vendor"), with
// each side's device as a column; where a report has several devices of a key, the one with the
// median time of them stands for it (noted).
#pragma once

#include <string>
#include <vector>

#include "reports/report.h"

namespace aicert {

enum class ChangeClass { regression, improvement, no_change, noisy, new_case, missing, status_change };
std::string_view change_class_name(ChangeClass c);

struct CaseComparison {
  std::string key;
  const CaseResult* old_case = nullptr;  // null for a new case
  const CaseResult* new_case = nullptr;  // null for a missing case
  double old_median_ms = 0, new_median_ms = 0;
  double delta_pct = 0;                  // of the median time; positive = slower
  double p_value = 1;                    // Mann-Whitney U, two-sided; 1 when not tested
  std::string old_device, new_device;    // "cuda0 NVIDIA H100 80GB HBM3" (across hardware)
  ChangeClass change = ChangeClass::no_change;
  std::string note;
};

struct SystemChange {
  std::string what, old_value, new_value;
};

struct Comparison {
  bool across_hardware = false;          // matched by implementation family, devices as columns
  double threshold_pct = 5;
  double alpha = 0.05;
  std::vector<SystemChange> system;
  std::vector<CaseComparison> cases;     // old report's order, then new cases
  int count(ChangeClass c) const;
  // A regression or a status change: what makes `aicert compare` exit 1.
  bool gate_fails() const;
};

// The comparison key of a case: "gemm/cpu0/cpu:blocked/fp32/512x512x512 NN".
std::string comparison_key(const CaseResult& c);
// Across hardware: "gemm/vendor/fp32/512x512x512 NN" (no backend, device or implementation).
std::string cross_hardware_key(const CaseResult& c);

// Whether two reports are of different hardware: their platforms (DMI product, CPU model) or
// the names of the devices their cases ran on differ.
bool different_hardware(const Report& a, const Report& b);

// Two-sided p-value of the Mann-Whitney U test (normal approximation with tie and continuity
// correction). Ranks only finite samples and needs at least 3 on each side; returns 1 otherwise.
double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b);

enum class HardwareMatch { automatic, same, across };

Comparison compare_reports(const Report& old_report, const Report& new_report,
                           double threshold_pct, double alpha = 0.05,
                           HardwareMatch match = HardwareMatch::automatic);

}  // namespace aicert
