// The result of one case in the report model: what ran, whether it was right, how fast.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/bandwidth.h"
#include "workloads/case_spec.h"
#include "workloads/check_result.h"
#include "workloads/link_timing.h"

namespace aicert {

enum class Verdict { pass, fail, skip, not_supported, error, crash, timeout, waived };

std::string_view verdict_name(Verdict v);
std::optional<Verdict> parse_verdict(std::string_view name);

struct TimingStats {
  std::vector<double> samples_ms;  // one per timed repetition, in order
  int warmups = 0;
  double median_ms = 0, min_ms = 0, max_ms = 0, mean_ms = 0;
  double cv = 0;       // stddev / mean
  double max_cv = 0;   // the limit it was judged against
  bool noisy = false;  // cv > max_cv
  std::string timer;   // "steady_clock", "cl_event", "cudaEvent"
  // Where the host's work for the check went, so a reader can tell that it did not disturb the
  // timing: "overlapped" (the fp64 reference ran on host threads during the timed repetitions
  // of a device that is not this host's CPU) or "before-timing" (a CPU device: a concurrent
  // reference would steal the cores being measured). Empty in reports of older versions.
  std::string reference;
  std::string reference_source;  // "computed", "cached-in-memory", "cached-on-disk"
  double reference_ms = 0;       // host wall time to have the reference (compute or load)
  double measure_wall_ms = 0;    // wall time of warm-ups and timed repetitions
  double case_wall_ms = 0;       // wall time of the whole case (inputs to verdict)
};

// One performance threshold of a certification profile, judged against one case.
struct ThresholdOutcome {
  std::string tier;         // the profile tier this threshold belongs to
  std::string kind;         // "absolute", "fraction-of-peak", "baseline"
  std::string description;  // what was required, in words
  double limit = 0;         // in `unit`
  double measured = 0;      // in `unit`
  std::string unit;         // "GFLOP/s", "%" ...
  std::string status;       // "met", "missed", "not-evaluated"
};

// Bitwise repeat-consistency: the same inputs run again must give the same bytes.
struct ConsistencyCheck {
  int runs = 0;  // repeats compared with the first result
  int mismatched_runs = 0;
  std::uint64_t mismatched_bytes = 0;  // over all mismatched runs
  double seconds = 0;                  // how long the repeats ran
};

// The device's state while the case was timed (probes/telemetry.h), summarised. Every figure
// is optional: absent when the source could not read it (`unknown` says why).
struct CaseTelemetry {
  std::string source;  // "cpu-sysfs", ...
  int samples = 0;
  double period_ms = 0;  // between samples
  double seconds = 0;    // first sample to last
  std::optional<double> core_mhz_min, core_mhz_median, core_mhz_max;
  std::optional<double> mem_mhz_median;
  std::optional<double> temp_c_max;
  std::optional<double> energy_j;     // consumed between the first sample and the last
  std::optional<double> power_w;      // energy_j / seconds
  std::optional<double> gflop_per_j;  // GEMM and attention: the work of the sampled runs / energy
  bool throttled = false;             // the device reported throttling during the case
  std::vector<std::string> throttle_reasons;  // e.g. "thermal: 3 throttle events"
  std::vector<std::string> unknown;           // e.g. "energy-j: no RAPL package domain (...)"
  // Hardware error counters that grew while the case was timed: (name, growth), e.g.
  // ("ecc-uncorrected", 2), ("pcie-replay", 14). Uncorrected ECC growth fails the case.
  std::vector<std::pair<std::string, double>> errors_grown;
  // The samples themselves, per metric (core-mhz, temp-c, power-w, ...): (seconds since the
  // first sample, value). Power is derived from energy between neighbouring samples where the
  // source has energy.
  struct Series {
    std::string metric;
    std::vector<std::pair<double, double>> points;
  };
  std::vector<Series> series;
};

// Where a case stands against its device's roofline (reports/roofline.h): the lower of the
// device's measured compute peak for the case's dtype and its intensity times the device's
// measured memory bandwidth.
struct CaseRoofline {
  double intensity = 0;        // FLOP per byte: the workload's flops / roofline_bytes()
  double compute_gflops = 0;   // the measured compute ceiling
  std::string compute_case;    // the peak case it comes from
  double bandwidth_gbps = 0;   // the measured memory ceiling
  std::string bandwidth_case;  // the stream case it comes from
  double roofline_gflops = 0;  // min(compute_gflops, intensity * bandwidth_gbps)
  double fraction = 0;         // the case's GFLOP/s / roofline_gflops
  std::string bound;           // "compute" or "memory": which ceiling is the lower
};

// A peak case's nominal estimate, from its device's properties (nominal_peak_gflops.UNIT.DTYPE
// and nominal_peak_formula.UNIT.DTYPE): what the unit should reach, stated with its formula.
struct NominalPeak {
  double gflops = 0;
  std::string formula;  // "2 cores x 4183 MHz (measured: dependent IMULs) x 64 FLOP/cycle (...)"
  double fraction = 0;  // the case's GFLOP/s / gflops
};

struct CaseResult {
  std::string id;  // unique within a report, e.g. "gemm/cpu0/cpu:cblas/fp32/NN/64x64x64"
  CaseSpec spec;
  std::string backend;
  int device = 0;
  std::string device_name;
  std::string impl;
  std::string inputs_sha256;  // over every input tensor's payload, in order
  Verdict verdict = Verdict::skip;
  std::string reason;  // why this verdict (empty for a plain pass)
  std::optional<CheckResult> check;
  std::optional<TimingStats> timing;
  double gflops = 0;                   // from the median time; 0 when not timed
  std::optional<Bandwidth> bandwidth;  // collectives, when timed
  // Certification only (aicert certify): the profile test this case belongs to, whether it
  // blocks certification, the waiver applied, the repeat-consistency check and thresholds.
  std::string test_id;
  bool blocker = false;
  std::string waiver;
  std::optional<ConsistencyCheck> consistency;
  std::vector<ThresholdOutcome> thresholds;
  std::optional<CaseTelemetry> telemetry;  // while the case was timed, where a source exists
  std::optional<CaseRoofline> roofline;    // passed GEMM and attention cases, where measurable
  std::optional<NominalPeak> nominal;      // passed peak cases, where the device states one
  // A point-to-point sweep's links (collective op pairs) and what they say: the slow links and
  // ranks named with their hosts (reports/link_finding.h); empty for every other case.
  std::vector<LinkTiming> links;
  std::string link_finding;
  std::vector<int> slow_ranks;
};

// The figure of a case in its workload's unit (workload.h's Figure): GFLOP/s, busbw or GB/s;
// 0 when it was not timed. What thresholds judge and fleet tables rank.
double case_figure(const CaseResult& c);

}  // namespace aicert
