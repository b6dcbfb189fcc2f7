// A console reporter that also keeps the named counters of every repetition, so a benchmark's
// summary lines can quote medians (and ratios of them) measured in the same run. `quiet`: keep
// the values but print nothing (the other ranks of an MPI benchmark).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace aicert::bench {

class MedianReporter : public benchmark::ConsoleReporter {
 public:
  explicit MedianReporter(std::vector<std::string> counters, bool quiet = false)
      : counters_(std::move(counters)), quiet_(quiet) {}
  bool ReportContext(const Context& context) override {
    return quiet_ || ConsoleReporter::ReportContext(context);
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      for (const std::string& name : counters_) {
        const auto it = r.counters.find(name);
        if (it != r.counters.end()) values_[r.benchmark_name()].push_back(it->second.value);
      }
    }
    if (!quiet_) ConsoleReporter::ReportRuns(runs);
  }
  // The median of the first benchmark whose name starts with `prefix` (0 when none ran).
  double median(const std::string& prefix) const {
    for (const auto& [name, v] : values_) {
      if (name.rfind(prefix, 0) != 0) continue;
      std::vector<double> s = v;
      std::sort(s.begin(), s.end());
      return s[s.size() / 2];
    }
    return 0;
  }

 private:
  std::vector<std::string> counters_;
  bool quiet_;
  std::map<std::string, std::vector<double>> values_;
};

}  // namespace aicert::bench
