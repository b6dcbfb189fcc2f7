// Telemetry: the host CPU source read from fake sysfs/procfs trees (present, absent, a counter
// that wraps, a file that vanishes mid-run), the NVML source on a fake libnvidia-ml (values,
// throttle reasons per kind, a GPU lost mid-run, a missing library or GPU, an older NVML), the
// summary of samples (clock, energy, power, throttling), the sampling thread, and the whole
// path through `aicert run` into the report.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "cli_support.h"
#include "harness/case_runner.h"
#include "probes/telemetry_cpu.h"
#include "probes/telemetry_nvml.h"
#include "probes/telemetry_sampler.h"
#include "reports/report_xml.h"
#include "scoped_env.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool mentions(const std::vector<std::string>& notes, const std::string& what) {
  for (const std::string& n : notes) {
    if (n.find(what) != std::string::npos) return true;
  }
  return false;
}

// A host with two cores at 3.0 and 3.2 GHz, a coretemp chip (41 and 57 °C) beside an ignored
// acpitz one, one RAPL package (with a core sub-domain that must not be counted twice) and
// thermal_throttle counts.
class FakeTree : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    root_ = dir_ / "root";
    const fs::path cpu = root_ / "sys/devices/system/cpu";
    write(cpu / "cpu0/cpufreq/scaling_cur_freq", "3000000\n");
    write(cpu / "cpu1/cpufreq/scaling_cur_freq", "3200000\n");
    write(cpu / "cpu0/thermal_throttle/core_throttle_count", "5\n");
    write(cpu / "cpu1/thermal_throttle/core_throttle_count", "0\n");
    // One package: its count appears in both CPUs and must be counted once.
    for (const char* c : {"cpu0", "cpu1"}) {
      write(cpu / c / "thermal_throttle/package_throttle_count", "10\n");
      write(cpu / c / "topology/physical_package_id", "0\n");
    }
    write(cpu / "cpu0/topology/core_id", "0\n");
    write(cpu / "cpu1/topology/core_id", "1\n");
    write(cpu / "online", "0-1\n");  // not a cpuN folder: ignored
    const fs::path hwmon = root_ / "sys/class/hwmon";
    write(hwmon / "hwmon0/name", "acpitz\n");
    write(hwmon / "hwmon0/temp1_input", "99000\n");
    write(hwmon / "hwmon1/name", "coretemp\n");
    write(hwmon / "hwmon1/temp1_input", "41000\n");
    write(hwmon / "hwmon1/temp2_input", "57000\n");
    const fs::path rapl = root_ / "sys/class/powercap";
    write(rapl / "intel-rapl:0/name", "package-0\n");
    write(rapl / "intel-rapl:0/energy_uj", "1000000\n");
    write(rapl / "intel-rapl:0/max_energy_range_uj", "262143328850\n");
    write(rapl / "intel-rapl:0:0/name", "core\n");
    write(rapl / "intel-rapl:0:0/energy_uj", "5\n");
  }
  fs::path energy() const { return root_ / "sys/class/powercap/intel-rapl:0/energy_uj"; }
  fs::path root_;
};

TEST_F(FakeTree, ReadsClockTemperatureEnergyAndThrottleCounts) {
  CpuTelemetry t(root_);
  EXPECT_EQ(t.name(), "cpu-sysfs");
  EXPECT_TRUE(t.unknown().empty()) << t.unknown().front();
  TelemetrySample first = t.read();
  EXPECT_DOUBLE_EQ(first.values.at(kCoreMhz), 3100.0);  // mean of the cores, kHz -> MHz
  EXPECT_DOUBLE_EQ(first.values.at(kTempC), 57.0);      // the hottest coretemp sensor only
  EXPECT_DOUBLE_EQ(first.values.at(kThermalEvents), 0.0);  // events since the first read
  EXPECT_DOUBLE_EQ(first.values.at(kEnergyJ), 0.0);        // cumulative from the first read
  write(energy(), "3500000\n");
  const fs::path cpu = root_ / "sys/devices/system/cpu";
  write(cpu / "cpu0/thermal_throttle/core_throttle_count", "8\n");
  for (const char* c : {"cpu0", "cpu1"}) write(cpu / c / "thermal_throttle/package_throttle_count", "12\n");
  const TelemetrySample second = t.read();
  EXPECT_DOUBLE_EQ(second.values.at(kEnergyJ), 2.5);
  EXPECT_DOUBLE_EQ(second.values.at(kThermalEvents), 5.0);  // 3 core + 2 package, not 3 + 2 + 2
}

TEST_F(FakeTree, AnEnergyCounterThatWrapsKeepsCounting) {
  write(root_ / "sys/class/powercap/intel-rapl:0/max_energy_range_uj", "10000000\n");
  write(energy(), "9000000\n");
  CpuTelemetry t(root_);
  t.read();
  write(energy(), "500000\n");  // wrapped at 10 J: 1 J to the top, 0.5 J after
  EXPECT_DOUBLE_EQ(t.read().values.at(kEnergyJ), 1.5);
  write(energy(), "2500000\n");
  EXPECT_DOUBLE_EQ(t.read().values.at(kEnergyJ), 3.5);
}

TEST_F(FakeTree, ACounterThatGoesBackWithoutAKnownRangeStopsTheEnergy) {
  fs::remove(root_ / "sys/class/powercap/intel-rapl:0/max_energy_range_uj");
  CpuTelemetry t(root_);
  t.read();
  write(energy(), "500000\n");  // below the first reading: a wrap of unknown range, or a reset
  EXPECT_FALSE(t.read().values.count(kEnergyJ));
  write(energy(), "900000\n");
  EXPECT_FALSE(t.read().values.count(kEnergyJ));  // and stays unknown
  EXPECT_TRUE(mentions(t.unknown(), "went back without a known wrap range"));
}

TEST_F(FakeTree, AFileThatVanishesMidRunIsUnknownFromThenOn) {
  CpuTelemetry t(root_);
  ASSERT_TRUE(t.read().values.count(kTempC));
  fs::remove(root_ / "sys/class/hwmon/hwmon1/temp2_input");
  fs::remove(energy());
  const TelemetrySample after = t.read();
  EXPECT_DOUBLE_EQ(after.values.at(kTempC), 41.0);  // the sensor that is left
  EXPECT_FALSE(after.values.count(kEnergyJ));        // no partial energy
  EXPECT_TRUE(mentions(t.unknown(), "temp2_input stopped being readable"));
  EXPECT_TRUE(mentions(t.unknown(), "energy_uj stopped being readable"));
}

TEST_F(TempDirTest, AHostWithoutAnyOfTheFilesSaysWhatIsUnknown) {
  // As on this project's CI VM: no cpufreq, hwmon, powercap; /proc/cpuinfo only.
  write(dir_ / "proc/cpuinfo", "processor\t: 0\ncpu MHz\t\t: 2600.000\nprocessor\t: 1\ncpu MHz\t\t: 2400.000\n");
  CpuTelemetry t(dir_);
  const TelemetrySample s = t.read();
  EXPECT_DOUBLE_EQ(s.values.at(kCoreMhz), 2500.0);
  EXPECT_EQ(s.values.size(), 1u);
  const auto unknown = t.unknown();
  EXPECT_TRUE(mentions(unknown, "no cpufreq")) << unknown.front();
  EXPECT_TRUE(mentions(unknown, "temp-c: no coretemp"));
  EXPECT_TRUE(mentions(unknown, "energy-j: no RAPL package domain"));
  EXPECT_TRUE(mentions(unknown, "thermal-throttle-events"));

  CpuTelemetry nothing(dir_ / "absent");
  EXPECT_TRUE(nothing.read().values.empty());
  EXPECT_TRUE(mentions(nothing.unknown(), "no cpufreq and no \"cpu MHz\""));
}

TEST(TelemetrySummary, ClockEnergyPowerAndThrottling) {
  std::vector<TelemetrySample> s(3);
  s[0] = {0.0, {{kCoreMhz, 3000}, {kEnergyJ, 10}, {kThermalEvents, 4}, {kTempC, 60}}};
  s[1] = {0.5, {{kCoreMhz, 2000}, {kTempC, 71}}};  // energy not read this time
  s[2] = {1.0, {{kCoreMhz, 2800}, {kEnergyJ, 110}, {kThermalEvents, 7}, {kTempC, 65}}};
  const CaseTelemetry t = summarise_telemetry("fake", s, {"power: none"}, 500);
  EXPECT_EQ(t.source, "fake");
  EXPECT_EQ(t.samples, 3);
  EXPECT_DOUBLE_EQ(t.seconds, 1.0);
  EXPECT_DOUBLE_EQ(*t.core_mhz_min, 2000);
  EXPECT_DOUBLE_EQ(*t.core_mhz_median, 2800);
  EXPECT_DOUBLE_EQ(*t.core_mhz_max, 3000);
  EXPECT_DOUBLE_EQ(*t.temp_c_max, 71);
  EXPECT_DOUBLE_EQ(*t.energy_j, 100);
  EXPECT_DOUBLE_EQ(*t.power_w, 100);
  EXPECT_TRUE(t.throttled);
  ASSERT_EQ(t.throttle_reasons.size(), 1u);
  EXPECT_EQ(t.throttle_reasons[0], "thermal: 3 throttle events");
  EXPECT_EQ(t.unknown, std::vector<std::string>{"power: none"});
  // Levels as series; power derived from the energy between the samples that have it.
  ASSERT_EQ(t.series.size(), 3u);
  EXPECT_EQ(t.series[0].metric, kCoreMhz);
  EXPECT_EQ(t.series[0].points.size(), 3u);
  EXPECT_EQ(t.series[1].metric, kTempC);
  EXPECT_EQ(t.series[2].metric, kPowerW);
  EXPECT_EQ(t.series[2].points, (std::vector<std::pair<double, double>>{{1.0, 100.0}}));

  // Counts that did not grow are no throttling; one energy reading is no energy.
  s[2].values[kThermalEvents] = 4;
  s[2].values.erase(kEnergyJ);
  const CaseTelemetry calm = summarise_telemetry("fake", s, {}, 500);
  EXPECT_FALSE(calm.throttled);
  EXPECT_FALSE(calm.energy_j);
  EXPECT_TRUE(mentions(calm.unknown, "not read at both ends"));

  // Energy over a window shorter than the counters' resolution is not reported.
  const std::vector<TelemetrySample> brief = {{0.0, {{kEnergyJ, 1}}}, {0.01, {{kEnergyJ, 2}}}};
  const CaseTelemetry short_case = summarise_telemetry("fake", brief, {}, 100);
  EXPECT_FALSE(short_case.energy_j);
  EXPECT_FALSE(short_case.power_w);
  EXPECT_TRUE(mentions(short_case.unknown, "too short for the energy counter"));
}

// Counts its reads; clock = read number.
class CountingSource final : public TelemetrySource {
 public:
  std::string name() const override { return "counting"; }
  TelemetrySample read() override { return {0, {{kCoreMhz, static_cast<double>(++reads_)}}}; }
  std::vector<std::string> unknown() const override { return {}; }

 private:
  int reads_ = 0;
};

TEST(TelemetrySampler, SamplesOnItsThreadFromStartToStop) {
  TelemetrySampler sampler(std::make_unique<CountingSource>(), std::chrono::milliseconds(5));
  sampler.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  const CaseTelemetry t = sampler.stop();
  EXPECT_EQ(t.source, "counting");
  EXPECT_GE(t.samples, 4);  // start, some periodic ones, stop
  EXPECT_DOUBLE_EQ(*t.core_mhz_min, 1);
  EXPECT_DOUBLE_EQ(*t.core_mhz_max, t.samples);  // every read became a sample, in order
  EXPECT_GT(t.seconds, 0.05);
  EXPECT_DOUBLE_EQ(t.period_ms, 5);
}

TEST(TelemetrySampler, ADestroyedSamplerThatWasNeverStoppedJoinsItsThread) {
  TelemetrySampler sampler(std::make_unique<CountingSource>(), std::chrono::milliseconds(1));
  sampler.start();
}

// The fake NVML of tests/fake_nvml.cpp, loaded (and controlled) in this process.
class FakeNvml : public ::testing::Test {
 protected:
  void SetUp() override { use(FAKE_NVML); }
  void TearDown() override {
    if (lib_) dlclose(lib_);
  }
  void use(const char* file) {
    if (lib_) dlclose(lib_);
    env_.emplace(kNvmlLibraryEnv, file);
    lib_ = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(lib_, nullptr) << dlerror();
    control_ = reinterpret_cast<void (*)(const char*, unsigned long long)>(
        dlsym(lib_, "fake_nvml_control"));
    ASSERT_NE(control_, nullptr);
    control_("reset", 0);
  }
  std::unique_ptr<NvmlTelemetry> open(const std::string& bus = "0000:17:00.0") {
    std::string why;
    auto t = NvmlTelemetry::open(bus, &why);
    EXPECT_TRUE(t) << why;
    return t;
  }
  void* lib_ = nullptr;
  void (*control_)(const char*, unsigned long long) = nullptr;
  std::optional<test::ScopedEnv> env_;
};

TEST_F(FakeNvml, ReadsClocksTemperaturePowerAndEnergy) {
  auto t = open();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name(), "nvml");
  const TelemetrySample a = t->read();
  EXPECT_DOUBLE_EQ(a.values.at(kCoreMhz), 1980);
  EXPECT_DOUBLE_EQ(a.values.at(kMemMhz), 2619);
  EXPECT_DOUBLE_EQ(a.values.at(kTempC), 65);
  EXPECT_DOUBLE_EQ(a.values.at(kPowerW), 350);
  const TelemetrySample b = t->read();
  EXPECT_DOUBLE_EQ(b.values.at(kEnergyJ) - a.values.at(kEnergyJ), 1.0);  // mJ -> J
  EXPECT_DOUBLE_EQ(b.values.at("thermal-throttle-events"), 0);
  EXPECT_TRUE(t->unknown().empty());
}

TEST_F(FakeNvml, ThrottleReasonsAreCountedPerKindAndSummarisedAsThrottled) {
  auto t = open();
  ASSERT_TRUE(t);
  std::vector<TelemetrySample> samples{t->read()};
  control_("reasons", nvml::kReasonHwThermalSlowdown | nvml::kReasonHwSlowdown);
  samples.push_back(t->read());
  samples.push_back(t->read());
  control_("reasons", nvml::kReasonSwPowerCap);
  samples.push_back(t->read());
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i].t_s = static_cast<double>(i);
  const CaseTelemetry s = summarise_telemetry(t->name(), samples, t->unknown(), 100);
  EXPECT_TRUE(s.throttled);
  EXPECT_EQ(s.throttle_reasons,
            (std::vector<std::string>{"thermal: 2 throttle events", "power-cap: 1 throttle events",
                                      "hw-slowdown: 2 throttle events"}));
  EXPECT_DOUBLE_EQ(*s.mem_mhz_median, 2619);
  EXPECT_DOUBLE_EQ(*s.energy_j, 3.0);
  EXPECT_DOUBLE_EQ(*s.power_w, 1.0);  // from energy over time (1 J per 1 s), not the readings
}

TEST_F(FakeNvml, ErrorCountersThatGrewAreRecordedAndUncorrectedEccFailsThePassedCase) {
  auto t = open();
  ASSERT_TRUE(t);
  std::vector<TelemetrySample> samples{t->read()};
  EXPECT_DOUBLE_EQ(samples[0].values.at(kEccCorrected), 7);
  control_("ecc-uncorrected", 2);
  control_("pcie-replay", 114);
  samples.push_back(t->read());
  samples[1].t_s = 1;
  CaseResult c;
  c.verdict = Verdict::pass;
  c.telemetry = summarise_telemetry(t->name(), samples, t->unknown(), 100);
  EXPECT_EQ(c.telemetry->errors_grown,
            (std::vector<std::pair<std::string, double>>{{kEccUncorrected, 2}, {kPcieReplays, 14}}));
  fail_on_hardware_errors(c);
  EXPECT_EQ(c.verdict, Verdict::fail);
  EXPECT_EQ(c.reason,
            "uncorrected ECC errors grew by 2 while the case was timed: the device's memory is "
            "failing");

  // Replays alone are recorded, not a failure.
  c.verdict = Verdict::pass;
  c.telemetry->errors_grown = {{kPcieReplays, 14}};
  fail_on_hardware_errors(c);
  EXPECT_EQ(c.verdict, Verdict::pass);
}

TEST_F(FakeNvml, AGpuLostMidRunLeavesItsFiguresOutAndSaysWhy) {
  auto t = open();
  ASSERT_TRUE(t);
  control_("lost-after", 1);
  EXPECT_TRUE(t->read().values.count(kTempC));
  EXPECT_FALSE(t->read().values.count(kTempC));
  ASSERT_EQ(t->unknown().size(), 1u);
  EXPECT_EQ(t->unknown()[0], "temp-c: GPU is lost (15)");
}

TEST_F(FakeNvml, NoLibraryNoGpuAndAFailedInitAreReasons) {
  std::string why;
  EXPECT_FALSE(NvmlTelemetry::open("0000:99:00.0", &why));
  EXPECT_EQ(why, "NVML has no GPU at PCI 0000:99:00.0: Not Found (6)");
  control_("init-fails", 1);
  EXPECT_FALSE(NvmlTelemetry::open("0000:17:00.0", &why));
  EXPECT_EQ(why, "nvmlInit_v2 failed: Unknown Error (999)");
  test::ScopedEnv missing(kNvmlLibraryEnv, "/nonexistent/libnvidia-ml.so.1");
  EXPECT_FALSE(NvmlTelemetry::open("0000:17:00.0", &why));
  EXPECT_NE(why.find("not found (it comes with the NVIDIA driver)"), std::string::npos) << why;
}

TEST_F(FakeNvml, AnNvmlBefore12Point2AnswersThroughItsThrottleReasonQuery) {
  use(FAKE_NVML_OLD);
  auto t = open();
  ASSERT_TRUE(t);
  control_("reasons", nvml::kReasonHwPowerBrakeSlowdown);
  t->read();
  EXPECT_DOUBLE_EQ(t->read().values.at("power-brake-throttle-events"), 2);
  EXPECT_FALSE(t->read().values.count(kEccUncorrected));
  EXPECT_EQ(t->unknown(), std::vector<std::string>{"ecc: this NVML has no nvmlDeviceGetTotalEccErrors"});
}

TEST_F(FakeTree, ACpuCaseCarriesTheTelemetryIntoTheReport) {
  const std::string report = path("report.xml");
  const Outcome o = aicert("run -b cpu -w gemm -s 64x64x64 -t fp32 --impl cpu:blocked -o " + report,
                           "AICERT_TELEMETRY_ROOT=" + root_.string());
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const Report r = read_report_xml(report);
  ASSERT_EQ(r.cases.size(), 1u);
  ASSERT_TRUE(r.cases[0].telemetry) << o.output;
  const CaseTelemetry& t = *r.cases[0].telemetry;
  EXPECT_EQ(t.source, "cpu-sysfs");
  EXPECT_GE(t.samples, 2);
  EXPECT_DOUBLE_EQ(*t.core_mhz_median, 3100);
  EXPECT_DOUBLE_EQ(*t.temp_c_max, 57);
  EXPECT_DOUBLE_EQ(*t.energy_j, 0);  // the fake counter stood still
  EXPECT_FALSE(t.gflop_per_j);       // no energy, no GFLOP/J
  EXPECT_FALSE(t.throttled);
  ASSERT_FALSE(t.series.empty());
  EXPECT_EQ(t.series[0].metric, "core-mhz");
  EXPECT_EQ(t.series[0].points.size(), static_cast<std::size_t>(t.samples));
  EXPECT_DOUBLE_EQ(t.series[0].points.back().second, 3100);
  expect_valid_against_schema(report);

  // A throttled case shows its series as sparklines in the HTML; a broken point is refused
  // with the file and line.
  std::string xml = read_text(report);
  const auto flag = xml.find("throttled=\"false\"");
  ASSERT_NE(flag, std::string::npos);
  xml.replace(flag, 17, "throttled=\"true\"");
  write(path("throttled.xml"), xml);
  ASSERT_EQ(aicert("report " + path("throttled.xml") + " --html " + path("t.html")).exit_code, 0);
  EXPECT_NE(read_text(path("t.html")).find("class=\"spark\""), std::string::npos);
  const auto point = xml.find(":3100");
  ASSERT_NE(point, std::string::npos);
  xml.replace(point, 5, "x3100");
  write(path("broken.xml"), xml);
  const Outcome broken = aicert("report " + path("broken.xml") + " --html " + path("b.html"));
  EXPECT_EQ(broken.exit_code, 2) << broken.output;
  EXPECT_NE(broken.output.find(path("broken.xml") + ":"), std::string::npos) << broken.output;
  EXPECT_NE(broken.output.find("is not SECONDS:VALUE"), std::string::npos) << broken.output;
  EXPECT_FALSE(fs::exists(path("b.html")));
}

}  // namespace
}  // namespace aicert
