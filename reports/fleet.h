// `aicert fleet`: many reports, one question: which device is not like the others? Cases are
// grouped by what ran (workload, shape, dtype, implementation) on which hardware (the device's
// name), every device of every machine a member of its groups (eight GPUs of one server are a
// fleet of eight). Per group: the median of the members' median times, the robust spread (MAD)
// and each member's robust z-score. A member is an outlier when it is slower or faster than
// the fleet by more than the threshold, beyond the z limit, and by more than the noise of its
// own samples. Beside that: members whose verdict differs from the fleet's, machines whose
// system (driver, firmware, kernel, OS, tool) differs from their platform's majority, and a
// cross-hardware table of headline figures per machine, ranked.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace aicert {

struct FleetOptions {
  double threshold_pct = 5;  // smallest deviation from the fleet's median time that counts
  double z_limit = 3.5;      // robust z-score (|x - median| / (1.4826 MAD)) beyond which
  double noise_factor = 2;   // the deviation must also exceed this many of the member's own
                             // relative robust standard deviations (of its samples)
  int min_members = 3;       // smaller groups are listed, not judged
};

// One report given to the fleet, as read (the file it came from names it in every message).
struct FleetInput {
  std::string source;
  Report report;
};

// One machine: the reports of one machine id, merged (the newest case of a key wins).
struct FleetMachine {
  std::string machine_id;        // the report's, else its host name, else "report <id>"
  std::string hostname;
  std::string name;              // what the fleet calls it: the host name, with the machine id
                                 // where machines share a host name; the id without a host name
  std::string platform;          // DMI product and CPU model: the hardware a system diff is
                                 // judged within
  const Report* report = nullptr;  // the newest of its reports: its system
  std::string source;              // that report's file
  std::vector<std::string> superseded;  // older reports of it whose cases were replaced
};

// One device of one machine (a member of every group of cases it ran).
struct FleetDevice {
  int machine = 0;               // index into FleetAnalysis::machines
  std::string backend;
  int index = 0;
  std::string name;              // the device's name: the hardware of its groups
  std::string pci_bus_id;        // "" when unknown
  std::string uuid;              // "" when unknown or redacted
  std::string label;             // "host-7 cuda3 (0000:17:00.0)"
};

enum class FleetFlag { none, slower, faster, too_few_members };

struct FleetMember {
  int device = 0;                // index into FleetAnalysis::devices
  const CaseResult* result = nullptr;
  double median_ms = 0;
  double figure = 0;             // case_figure(): GFLOP/s or GB/s
  double noise_pct = 0;          // its own samples' relative robust standard deviation, in %
  double delta_pct = 0;          // of its median time against the group's; positive = slower
  double z = 0;                  // robust z-score of its median time
  FleetFlag flag = FleetFlag::none;
  bool status_differs = false;   // its verdict is not the group's
};

struct FleetGroup {
  std::string key;               // "gemm/cpu:blocked/fp32/512x512x512 NN"
  std::string hardware;          // the members' device name
  std::string unit;              // of the figure
  Verdict status = Verdict::pass;  // the most common verdict (ties: the better one)
  double median_ms = 0, mad_ms = 0;
  int timed = 0;                 // members with a median time (those judged)
  std::vector<FleetMember> members;
};

// One finding, in words, for the console, JUnit and the HTML verdict.
struct FleetFinding {
  enum class Kind { slower, faster, status, system } kind = Kind::slower;
  int group = -1;                // index into groups; -1 for a system finding
  int member = -1;               // index into that group's members
  int machine = -1;              // the machine it is about
  std::string text;              // "host-7 cuda3 (0000:17:00.0): gemm/... 15.2% slower ..."
};

struct SystemDifference {
  int machine = 0;
  std::string what;              // "kernel", "driver cuda", "BIOS", ...
  std::string value, fleet_value;
};

// The cross-hardware table: one row per machine, one column per headline (workload.h).
struct HeadlineRow {
  int machine = 0;
  std::vector<std::optional<double>> values;  // per column; empty where the machine has none
  double score = 0;              // geometric mean of value / column best over its columns
  int rank = 0;                  // 1 = best score
};

struct HeadlineTable {
  std::vector<std::string> columns;  // "GEMM fp32", "attention bf16", ...
  std::vector<std::string> units;
  std::vector<HeadlineRow> rows;     // ranked, best first
};

struct FleetAnalysis {
  FleetOptions options;
  std::vector<FleetMachine> machines;
  std::vector<FleetDevice> devices;
  std::vector<FleetGroup> groups;    // by key, then hardware
  std::vector<FleetFinding> findings;  // slower, faster, status: what makes the gate fail;
                                       // system: reported beside them
  std::vector<SystemDifference> system;
  HeadlineTable headlines;
  std::vector<std::string> notes;    // duplicates merged, reports given twice, small groups
  // "FILE: TAMPERED: ..." for every member whose integrity does not hold (or that has no
  // digest): still analysed, never silently.
  std::vector<std::string> untrusted;
  int count(FleetFinding::Kind kind) const;
  // Any outlier (slower or faster) or status difference: what makes `aicert fleet` exit 1.
  bool gate_fails() const;
};

// The fleet key of a case: its comparison key without the device
// ("gemm/cpu:blocked/fp32/512x512x512 NN").
std::string fleet_key(const CaseResult& c);

// Median and median absolute deviation of finite values (0, 0 for none).
double median_of(std::vector<double> values);
double mad_of(const std::vector<double>& values, double median);

FleetAnalysis analyse_fleet(const std::vector<FleetInput>& inputs, const FleetOptions& options);

}  // namespace aicert
