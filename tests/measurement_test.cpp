// The measurement protocol: warm-ups, minimum count and time, caps, statistics, noisy flag.
#include <gtest/gtest.h>

#include "harness/measurement.h"

namespace aicert {
namespace {

// A kernel whose launches "take" scripted times, so the protocol is tested without clocks.
class ScriptedKernel final : public Kernel {
 public:
  explicit ScriptedKernel(std::vector<double> times) : times_(std::move(times)) {}
  std::string_view impl() const override { return "test:scripted"; }
  void upload(const HostTensors&) override {}
  void run() override {
    pending_ += times_[launches_ % times_.size()];
    ++launches_;
  }
  double elapsed_ms_since_last_sync() override {
    const double t = pending_;
    pending_ = 0;
    return t;
  }
  void download(HostTensors&) override {}
  std::string_view timer_name() const override { return "scripted"; }
  int launches_ = 0;

 private:
  std::vector<double> times_;
  double pending_ = 0;
};

TEST(TimingStats, MedianMinMaxMeanCv) {
  const TimingStats s = timing_stats({4, 1, 3, 2}, 0.6);       // cv is 0.516
  EXPECT_EQ(s.samples_ms, (std::vector<double>{4, 1, 3, 2}));  // kept in launch order
  EXPECT_DOUBLE_EQ(s.median_ms, 2.5);
  EXPECT_DOUBLE_EQ(s.min_ms, 1);
  EXPECT_DOUBLE_EQ(s.max_ms, 4);
  EXPECT_DOUBLE_EQ(s.mean_ms, 2.5);
  EXPECT_NEAR(s.cv, 1.2909944487358056 / 2.5, 1e-12);  // sample stddev / mean
  EXPECT_FALSE(s.noisy);
  EXPECT_TRUE(timing_stats({4, 1, 3, 2}, 0.1).noisy);
  EXPECT_DOUBLE_EQ(timing_stats({5, 1, 3}, 0.1).median_ms, 3);
  EXPECT_EQ(timing_stats({2, 2, 2}, 0.01).cv, 0.0);
}

TEST(Measure, StopsWhenMinimumCountAndTimeAreBothReached) {
  MeasurementPolicy p;
  p.warmups = 3;
  p.min_repetitions = 5;
  p.min_time_ms = 100;
  p.max_repetitions = 1000;
  p.max_time_ms = 1e9;
  ScriptedKernel fast({1.0});  // time-bound: needs 100 launches
  const TimingStats a = measure(fast, p);
  EXPECT_EQ(a.samples_ms.size(), 100u);
  EXPECT_EQ(fast.launches_, 103);
  EXPECT_EQ(a.warmups, 3);
  EXPECT_EQ(a.timer, "scripted");

  ScriptedKernel slow({50.0});  // count-bound: 5 launches although 2 reach 100 ms
  EXPECT_EQ(measure(slow, p).samples_ms.size(), 5u);
}

TEST(Measure, CapsOnMaximumCountAndTime) {
  MeasurementPolicy p;
  p.warmups = 0;
  p.min_repetitions = 5;
  p.min_time_ms = 1e6;
  p.max_repetitions = 20;
  p.max_time_ms = 1e9;
  ScriptedKernel k({1.0});
  EXPECT_EQ(measure(k, p).samples_ms.size(), 20u);

  p.max_repetitions = 1000;
  p.max_time_ms = 30;
  ScriptedKernel k2({10.0});
  EXPECT_EQ(measure(k2, p).samples_ms.size(), 3u);
}

TEST(Measure, NoisyFlagFollowsCv) {
  MeasurementPolicy p;
  p.warmups = 0;
  p.min_repetitions = 10;
  p.min_time_ms = 0;
  p.max_cv = 0.05;
  ScriptedKernel steady({1.0, 1.01});
  EXPECT_FALSE(measure(steady, p).noisy);
  ScriptedKernel jumpy({1.0, 3.0});
  const TimingStats s = measure(jumpy, p);
  EXPECT_TRUE(s.noisy);
  EXPECT_GT(s.cv, 0.05);
}

TEST(Measure, PolicyValidation) {
  MeasurementPolicy p;
  EXPECT_EQ(validate_policy(p), "");
  p.min_repetitions = 0;
  EXPECT_NE(validate_policy(p), "");
  p = MeasurementPolicy{};
  p.max_repetitions = 2;
  p.min_repetitions = 3;
  EXPECT_NE(validate_policy(p), "");
  p = MeasurementPolicy{};
  p.warmups = -1;
  EXPECT_NE(validate_policy(p), "");
}

}  // namespace
}  // namespace aicert
