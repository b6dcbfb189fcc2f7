// The reporter of the attention benchmarks: console output as usual, then per dtype the
// attention throughput as a fraction of the same backend's GEMM in the same run (medians of the
// "GFLOP/s" counter over repetitions when --benchmark_repetitions is given). The benchmarks it
// reads are registered as GEMM_NAME with Arg(dtype index) and FLASH_NAME with Args({dtype
// index, causal}).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "workloads/dtype.h"

namespace aicert::bench {

inline constexpr const char* kGflopsCounter = "GFLOP/s";
inline constexpr DType kAttentionBenchDtypes[] = {DType::fp32, DType::fp16, DType::bf16};

class AttentionRatioReporter : public benchmark::ConsoleReporter {
 public:
  // The summary names the attention shape ("1,16,16,2048,128"), the flash implementation
  // ("cpu:flash") and the GEMM case ("cpu:blocked GEMM 2048^3").
  struct Labels {
    std::string gemm_name, flash_name;  // the registered benchmark names
    std::string attention_shape, flash_impl, gemm_case;
    // A vendor attention registered like the flash one ("cpu_onednn", "cpu:onednn"): the
    // summary adds flash / vendor. Empty: none.
    std::string vendor_name = {}, vendor_impl = {};
  };
  AttentionRatioReporter(OutputOptions options, Labels labels)
      : ConsoleReporter(options), labels_(std::move(labels)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      const auto it = r.counters.find(kGflopsCounter);
      if (it == r.counters.end()) continue;
      rates_[r.run_name.function_name + "/" + r.run_name.args].push_back(it->second.value);
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    for (int t = 0; t < 3; ++t) {
      const auto gemm = rates_.find(labels_.gemm_name + "/" + std::to_string(t));
      if (gemm == rates_.end()) continue;
      const double gemm_rate = median(gemm->second);
      for (int causal = 0; causal < 2; ++causal) {
        const auto att =
            rates_.find(labels_.flash_name + "/" + std::to_string(t) + "/" + std::to_string(causal));
        if (att == rates_.end()) continue;
        const double att_rate = median(att->second);
        std::printf("%s attention %s %s: %s %.1f GFLOP/s, %s %.1f GFLOP/s, ratio %.3f\n",
                    std::string(dtype_name(kAttentionBenchDtypes[t])).c_str(),
                    labels_.attention_shape.c_str(), causal ? "causal" : "full",
                    labels_.flash_impl.c_str(), att_rate, labels_.gemm_case.c_str(), gemm_rate,
                    att_rate / gemm_rate);
        const auto vendor =
            rates_.find(labels_.vendor_name + "/" + std::to_string(t) + "/" + std::to_string(causal));
        if (!labels_.vendor_name.empty() && vendor != rates_.end()) {
          const double vendor_rate = median(vendor->second);
          std::printf("  %s / %s %.1f GFLOP/s: ratio %.3f\n", labels_.flash_impl.c_str(),
                      labels_.vendor_impl.c_str(), vendor_rate, att_rate / vendor_rate);
        }
      }
    }
  }

 private:
  static double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t h = v.size() / 2;
    return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
  }
  Labels labels_;
  std::map<std::string, std::vector<double>> rates_;  // by "function/args"
};

}  // namespace aicert::bench
