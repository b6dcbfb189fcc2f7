// A certification profile (profiles/*.xml, schema profiles/aicert-profile-1.xsd): which tests
// to run (a workload with a matrix of shapes, dtypes, layouts, backends), the measurement
// defaults, the tiers and their performance thresholds, blockers and waivers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/measurement.h"
#include "reports/report.h"
#include "workloads/case_spec.h"
#include "workloads/workload_options.h"

namespace aicert {

enum class ThresholdKind { absolute, fraction_of_peak, fraction_of_roofline, baseline };

// Which devices an absolute threshold is for: every given field must match (none: all).
struct DeviceMatch {
  std::optional<std::uint16_t> pci_vendor, pci_device;
  std::string name_pattern;  // fnmatch(3) glob over the device name, e.g. "*H100*"
};

struct ProfileThreshold {
  std::string tier;
  ThresholdKind kind = ThresholdKind::absolute;
  double min_figure = 0;         // absolute: the least figure, in the unit of the workload's
                                 //   (min-gflops, min-busbw-gbps or min-gbps; workload.h)
  DeviceMatch match;             // absolute
  double min_message_bytes = 0;  // bandwidth workloads: applies from this message size on
  // fraction-of-peak and baseline compare the workload's figure.
  double fraction = 0;            // fraction-of-peak: of the best GFLOP/s on the same device
  std::string peak_impl = "*";    //   and dtype among implementations matching this glob
  // fraction-of-roofline: `fraction` of the device's roofline (reports/roofline.h), met by the
  // case's best implementation on the device (what the server does with the shape), or by each
  // implementation on its own (judge="each-implementation").
  bool roofline_each_implementation = false;
  double max_regression_pct = 0;  // baseline: the metric may drop at most this much
  int line = 0;
};

struct ProfileTest {
  std::string id;
  std::string workload;
  WorkloadOptions options;                // the test's matrix as written (shapes, dtypes, ops, ...)
  std::vector<WorkloadSpec> specs;        // ... and the specs it expands to, planned once
  std::vector<std::string> backends;      // empty: every available backend
  std::vector<std::string> impls;         // empty: every implementation the backend offers
  std::vector<std::string> device_kinds;  // empty: every kind of device (cpu, gpu, accelerator)
  bool blocker = true;
  double tolerance_c = 0;     // 0: the workload's own
  bool repeat_check = false;  // bitwise repeat-consistency (stress)
  std::vector<ProfileThreshold> thresholds;
  int line = 0;
};

struct ProfileWaiver {
  std::string id;
  std::vector<std::string> tests;  // test ids it covers
  std::string cases = "*";         // glob over case ids within those tests
  std::string reason;
  std::string expires;  // YYYY-MM-DD (UTC); from the next day on it no longer applies
};

struct Profile {
  ProfileIdentity identity;
  std::string description;
  MeasurementPolicy policy;
  std::uint64_t seed = 42;
  double case_timeout_s = 300;     // watchdog of one case in its worker
  double soak_s = 0;               // repeat-consistency time spread over repeat-check cases
  // <telemetry fail-on="thermal ..."/>: a case that passed but was throttled for one of these
  // kinds (probes/telemetry.h kThrottleKinds) fails.
  std::vector<std::string> telemetry_fail_on;
  std::vector<std::string> tiers;  // lowest first
  std::vector<ProfileTest> tests;
  std::vector<ProfileWaiver> waivers;
};

// The largest profile file read (the shipped ones are a few KiB): a bigger file is refused
// before it is parsed.
inline constexpr std::size_t kMaxProfileBytes = std::size_t{4} << 20;

// Reads and validates a profile file. A file larger than kMaxProfileBytes is refused. Any problem (malformed XML, an unknown element or
// attribute, a wrong type, an out-of-range value, an unknown workload/backend/dtype/layout/tier,
// a duplicate id) throws ReportParseError "file:line: what is wrong".
Profile read_profile(const std::string& path);

// Resolves --profile: an existing file path, or the name of a shipped profile ("quick") looked
// up in $AICERT_PROFILE_PATH, then share/aicert/profiles next to the executable. Throws
// UsageError naming what was searched when nothing is found.
std::string find_profile(const std::string& name_or_path);

// Names of the shipped profiles that find_profile() can see.
std::vector<std::string> shipped_profiles();

}  // namespace aicert
