// The fleet analysis on synthetic fleets with planted faults whose outcome is known: a device
// 15% slow (flagged), one 3% slow inside its own noise (not flagged even at a 2% threshold),
// the same 3% with tight samples (flagged at 2%: the noise rule is what spared the first), a
// failing case, a driver version different from the platform's majority, two reports of one
// machine (merged, the newest counting), the same report given twice, redacted reports,
// machines sharing a host name, mixed hardware (separate groups, a ranked headline table), and
// small groups (not judged).
#include <gtest/gtest.h>


#include "reports/fleet.h"
#include "tests/timing_samples_util.h"

namespace aicert {
namespace {

CaseResult gemm_case(const std::string& backend, int device, const std::string& device_name,
                     std::vector<double> samples, Verdict v = Verdict::pass) {
  CaseResult c;
  c.spec.spec = GemmSpec{512, 512, 512, GemmLayout::NN, DType::fp32, 1.0, 0.0};
  c.backend = backend;
  c.device = device;
  c.device_name = device_name;
  c.impl = backend + ":tiled";
  c.id = "gemm/" + backend + std::to_string(device) + "/" + c.impl + "/fp32/NN/512x512x512";
  c.verdict = v;
  c.timing = timing_of(std::move(samples));
  c.gflops = 2.0 * 512 * 512 * 512 / (c.timing->median_ms * 1e6);
  return c;
}

// A machine of `devices` GPUs of one model, each running the one GEMM case.
FleetInput machine(const std::string& host, int devices, const std::string& model,
                   const std::vector<std::vector<double>>& samples, const std::string& driver = "550.1") {
  FleetInput in;
  in.source = host + ".xml";
  Report& r = in.report;
  r.report_id = "id-" + host;
  r.created_utc = "2026-12-01T00:00:00Z";
  r.tool_version = "0.2.0";
  r.inventory.hostname = host;
  r.inventory.machine_id = "m-" + host;
  r.inventory.machine_id_source = "option";
  r.inventory.dmi_product_name = "Server X";
  r.inventory.cpu_model = "CPU Y";
  r.inventory.kernel = "6.1.0";
  r.inventory.backends.push_back({"cuda", true, "", "CUDA 13.0"});
  for (int d = 0; d < devices; ++d) {
    BackendDeviceInfo dev;
    dev.backend = "cuda";
    dev.index = d;
    dev.name = model;
    dev.pci_bus_id = "0000:" + std::to_string(10 + d) + ":00.0";
    dev.driver_version = driver;
    dev.properties["uuid"] = "GPU-" + host + "-" + std::to_string(d);
    r.inventory.devices.push_back(dev);
    r.cases.push_back(gemm_case("cuda", d, model, samples[static_cast<std::size_t>(d)]));
  }
  return in;
}

std::vector<std::vector<double>> tight(int devices, double centre, unsigned seed) {
  std::vector<std::vector<double>> s;
  for (int d = 0; d < devices; ++d) s.push_back(around(centre, 0.005, 20, seed * 100 + d));
  return s;
}

const FleetGroup& only_group(const FleetAnalysis& a) {
  EXPECT_EQ(a.groups.size(), 1u);
  return a.groups.at(0);
}

const FleetMember& member_of(const FleetAnalysis& a, const std::string& host, int device) {
  for (const auto& g : a.groups) {
    for (const auto& m : g.members) {
      const FleetDevice& d = a.devices[m.device];
      if (a.machines[d.machine].hostname == host && d.index == device) return m;
    }
  }
  throw std::runtime_error("no member " + host + " " + std::to_string(device));
}

TEST(FleetStatistics, MedianAndMadOfKnownValues) {
  EXPECT_DOUBLE_EQ(median_of({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median_of({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median_of({}), 0);
  EXPECT_DOUBLE_EQ(median_of({1, std::nan(""), 3, INFINITY}), 2);  // only finite values count
  EXPECT_DOUBLE_EQ(mad_of({1, 2, 3, 4, 100}, 3), 1);                // robust to the 100
}

TEST(Fleet, EightGpusOfOneServerAreAFleetOfEight) {
  auto samples = tight(8, 10, 1);
  samples[5] = around(11.5, 0.005, 20, 99);  // cuda5 15% slow
  const FleetAnalysis a = analyse_fleet({machine("node-1", 8, "H100", samples)}, {});
  ASSERT_EQ(a.devices.size(), 8u);
  const FleetGroup& g = only_group(a);
  EXPECT_EQ(g.timed, 8);
  EXPECT_EQ(member_of(a, "node-1", 5).flag, FleetFlag::slower);
  EXPECT_NEAR(member_of(a, "node-1", 5).delta_pct, 15, 1.5);
  EXPECT_GT(member_of(a, "node-1", 5).z, 3.5);
  for (int d : {0, 1, 2, 3, 4, 6, 7}) EXPECT_EQ(member_of(a, "node-1", d).flag, FleetFlag::none);
  ASSERT_EQ(a.count(FleetFinding::Kind::slower), 1);
  const std::string& text = a.findings.front().text;
  EXPECT_NE(text.find("node-1 cuda5 (0000:15:00.0)"), std::string::npos) << text;
  EXPECT_NE(text.find("slower"), std::string::npos) << text;
  EXPECT_TRUE(a.gate_fails());
  EXPECT_EQ(a.devices[member_of(a, "node-1", 5).device].uuid, "GPU-node-1-5");
}

TEST(Fleet, PlantedStragglersAcrossMachines) {
  std::vector<FleetInput> fleet;
  for (int m = 0; m < 10; ++m) {
    auto samples = tight(4, 10, static_cast<unsigned>(m + 1));
    if (m == 3) samples[2] = around(11.5, 0.005, 20, 7);  // 15% slow: flagged
    if (m == 6) samples[1] = around(10.3, 0.10, 20, 8);   // 3% slow, its own noise ~6%
    if (m == 8) samples[0] = around(10.3, 0.005, 20, 9);  // 3% slow, tight
    fleet.push_back(machine("node-" + std::to_string(m), 4, "H100", samples));
  }
  const FleetAnalysis at5 = analyse_fleet(fleet, {});
  EXPECT_EQ(member_of(at5, "node-3", 2).flag, FleetFlag::slower);
  EXPECT_EQ(member_of(at5, "node-6", 1).flag, FleetFlag::none);
  EXPECT_EQ(member_of(at5, "node-8", 0).flag, FleetFlag::none);  // under the 5% threshold
  EXPECT_EQ(at5.count(FleetFinding::Kind::slower), 1);

  FleetOptions strict;
  strict.threshold_pct = 2;
  const FleetAnalysis at2 = analyse_fleet(fleet, strict);
  EXPECT_EQ(member_of(at2, "node-3", 2).flag, FleetFlag::slower);
  // Both are 3% slow; only the noisy one lies inside the noise of its own samples.
  EXPECT_GT(member_of(at2, "node-6", 1).noise_pct, 3);
  EXPECT_EQ(member_of(at2, "node-6", 1).flag, FleetFlag::none);
  EXPECT_EQ(member_of(at2, "node-8", 0).flag, FleetFlag::slower);
}

TEST(Fleet, AFasterDeviceIsAnOutlierToo) {
  auto samples = tight(6, 10, 3);
  samples[0] = around(8, 0.005, 20, 4);
  const FleetAnalysis a = analyse_fleet({machine("n", 6, "H100", samples)}, {});
  EXPECT_EQ(member_of(a, "n", 0).flag, FleetFlag::faster);
  EXPECT_EQ(a.count(FleetFinding::Kind::faster), 1);
  EXPECT_TRUE(a.gate_fails());
}

TEST(Fleet, AFailingCaseIsAStatusDifference) {
  std::vector<FleetInput> fleet;
  for (int m = 0; m < 5; ++m) fleet.push_back(machine("n" + std::to_string(m), 2, "H100", tight(2, 10, m + 1u)));
  fleet[2].report.cases[1].verdict = Verdict::fail;
  fleet[2].report.cases[1].reason = "12 wrong elements";
  const FleetAnalysis a = analyse_fleet(fleet, {});
  EXPECT_EQ(only_group(a).status, Verdict::pass);
  EXPECT_TRUE(member_of(a, "n2", 1).status_differs);
  ASSERT_EQ(a.count(FleetFinding::Kind::status), 1);
  EXPECT_EQ(a.count(FleetFinding::Kind::slower) + a.count(FleetFinding::Kind::faster), 0);
  for (const auto& f : a.findings) {
    if (f.kind == FleetFinding::Kind::status) {
      EXPECT_NE(f.text.find("n2 cuda1"), std::string::npos) << f.text;
      EXPECT_NE(f.text.find("12 wrong elements"), std::string::npos) << f.text;
    }
  }
  EXPECT_TRUE(a.gate_fails());
}

TEST(Fleet, ADifferentDriverIsASystemDifferenceNotAGateFailure) {
  std::vector<FleetInput> fleet;
  for (int m = 0; m < 5; ++m) {
    fleet.push_back(machine("n" + std::to_string(m), 2, "H100", tight(2, 10, m + 1u),
                            m == 4 ? "535.9" : "550.1"));
  }
  const FleetAnalysis a = analyse_fleet(fleet, {});
  ASSERT_EQ(a.system.size(), 1u);
  EXPECT_EQ(a.machines[a.system[0].machine].hostname, "n4");
  EXPECT_EQ(a.system[0].what, "driver cuda H100");
  EXPECT_EQ(a.system[0].value, "535.9");
  EXPECT_EQ(a.system[0].fleet_value, "550.1");
  EXPECT_FALSE(a.gate_fails());
}

TEST(Fleet, ASplitFleetHasNoOddOneOut) {
  std::vector<FleetInput> fleet;
  for (int m = 0; m < 4; ++m) {
    fleet.push_back(machine("n" + std::to_string(m), 1, "H100", tight(1, 10, m + 1u), m < 2 ? "1" : "2"));
  }
  EXPECT_TRUE(analyse_fleet(fleet, {}).system.empty());
}

TEST(Fleet, TwoReportsOfOneMachineAreOneMemberTheNewestCounting) {
  std::vector<FleetInput> fleet;
  for (int m = 0; m < 4; ++m) fleet.push_back(machine("n" + std::to_string(m), 1, "H100", tight(1, 10, m + 1u)));
  // An older report of n0 in which it was 30% slow (before a repair): superseded.
  FleetInput old = machine("n0", 1, "H100", {around(13, 0.005, 20, 50)});
  old.source = "n0-last-week.xml";
  old.report.report_id = "id-n0-old";
  old.report.created_utc = "2026-11-20T00:00:00Z";
  fleet.push_back(old);
  const FleetAnalysis a = analyse_fleet(fleet, {});
  EXPECT_EQ(a.machines.size(), 4u);
  EXPECT_EQ(only_group(a).members.size(), 4u);
  EXPECT_EQ(member_of(a, "n0", 0).flag, FleetFlag::none);
  EXPECT_NEAR(member_of(a, "n0", 0).median_ms, 10, 0.1);
  bool noted = false;
  for (const auto& m : a.machines) {
    if (m.hostname == "n0") noted = m.superseded == std::vector<std::string>{"n0-last-week.xml"};
  }
  EXPECT_TRUE(noted);
}

TEST(Fleet, TheSameReportGivenTwiceCountsOnce) {
  std::vector<FleetInput> fleet;
  for (int m = 0; m < 3; ++m) fleet.push_back(machine("n" + std::to_string(m), 1, "H100", tight(1, 10, m + 1u)));
  FleetInput again = fleet[0];
  again.source = "copy/n0.xml";
  fleet.push_back(again);
  const FleetAnalysis a = analyse_fleet(fleet, {});
  EXPECT_EQ(only_group(a).members.size(), 3u);
  ASSERT_FALSE(a.notes.empty());
  EXPECT_NE(a.notes[0].find("copy/n0.xml is the same report as n0.xml"), std::string::npos);
}

TEST(Fleet, RedactedReportsStillGroupByMachineId) {
  std::vector<FleetInput> fleet;
  for (int m = 0; m < 3; ++m) {
    FleetInput in = machine("n" + std::to_string(m), 1, "H100", tight(1, 10, m + 1u));
    in.report.inventory.hostname = "redacted";
    fleet.push_back(in);
  }
  FleetInput newer = fleet[1];
  newer.report.report_id = "id-newer";
  newer.report.created_utc = "2026-12-02T00:00:00Z";
  fleet.push_back(newer);
  const FleetAnalysis a = analyse_fleet(fleet, {});
  EXPECT_EQ(a.machines.size(), 3u);
  EXPECT_EQ(a.machines[1].superseded.size(), 1u);
  // Without a host name the label is the machine id.
  EXPECT_EQ(a.devices[0].label.rfind("m-n0 cuda0", 0), 0u) << a.devices[0].label;
}

TEST(Fleet, MachinesSharingAHostNameAreToldApartByMachineId) {
  std::vector<FleetInput> fleet;
  for (int m = 0; m < 3; ++m) {
    FleetInput in = machine("n" + std::to_string(m), 1, "H100", tight(1, 10, m + 1u));
    if (m < 2) in.report.inventory.hostname = "localhost";  // cloned images
    fleet.push_back(in);
  }
  const FleetAnalysis a = analyse_fleet(fleet, {});
  ASSERT_EQ(a.machines.size(), 3u);
  EXPECT_EQ(a.machines[0].name, "localhost [m-n0]");
  EXPECT_EQ(a.machines[1].name, "localhost [m-n1]");
  EXPECT_EQ(a.machines[2].name, "n2");
  EXPECT_EQ(a.devices[1].label.rfind("localhost [m-n1] cuda0", 0), 0u) << a.devices[1].label;
}

TEST(Fleet, MixedHardwareIsGroupedPerModelAndRanked) {
  std::vector<FleetInput> fleet;
  for (int m = 0; m < 3; ++m) fleet.push_back(machine("h" + std::to_string(m), 2, "H100", tight(2, 10, m + 1u)));
  for (int m = 0; m < 3; ++m) fleet.push_back(machine("a" + std::to_string(m), 2, "A100", tight(2, 25, m + 7u)));
  const FleetAnalysis a = analyse_fleet(fleet, {});
  ASSERT_EQ(a.groups.size(), 2u);  // one per device model: an A100 is not an H100 straggler
  EXPECT_EQ(a.count(FleetFinding::Kind::slower), 0);
  const HeadlineTable& t = a.headlines;
  ASSERT_EQ(t.columns, std::vector<std::string>{"GEMM fp32"});
  EXPECT_EQ(t.units[0], "GFLOP/s");
  ASSERT_EQ(t.rows.size(), 6u);
  for (int r = 0; r < 3; ++r) EXPECT_EQ(a.machines[t.rows[r].machine].hostname[0], 'h');
  for (int r = 3; r < 6; ++r) EXPECT_EQ(a.machines[t.rows[r].machine].hostname[0], 'a');
  EXPECT_EQ(t.rows[0].rank, 1);
  EXPECT_NEAR(t.rows[5].score, 10.0 / 25.0, 0.02);  // 2.5x the time: 0.4 of the best figure
}

TEST(Fleet, SmallGroupsAreListedNotJudged) {
  auto samples = tight(2, 10, 1);
  samples[1] = around(20, 0.005, 20, 2);
  const FleetAnalysis a = analyse_fleet({machine("n", 2, "H100", samples)}, {});
  EXPECT_EQ(member_of(a, "n", 1).flag, FleetFlag::too_few_members);
  EXPECT_FALSE(a.gate_fails());
  ASSERT_FALSE(a.notes.empty());
  EXPECT_NE(a.notes.back().find("fewer than 3 timed members"), std::string::npos);
}

TEST(Fleet, NonFiniteTimesAreNotJudged) {
  auto samples = tight(5, 10, 1);
  const FleetInput in = machine("n", 5, "H100", samples);
  FleetInput broken = in;
  broken.report.cases[4].timing->median_ms = std::nan("");
  broken.report.cases[3].timing->median_ms = INFINITY;
  const FleetAnalysis a = analyse_fleet({broken}, {});
  EXPECT_EQ(only_group(a).timed, 3);
  EXPECT_EQ(member_of(a, "n", 4).flag, FleetFlag::none);
  EXPECT_EQ(member_of(a, "n", 3).flag, FleetFlag::none);
}

}  // namespace
}  // namespace aicert
