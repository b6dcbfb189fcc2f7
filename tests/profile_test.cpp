// Profiles: every shipped profile reads and validates against profiles/aicert-profile-1.xsd,
// and a profile using every feature reads into the model field for field.
#include "harness/profile.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace aicert {
namespace {

namespace fs = std::filesystem;
const fs::path kProfiles = fs::path(AICERT_SOURCE_DIR) / "profiles";

TEST(Profiles, EveryShippedProfileReadsAndValidates) {
  int n = 0;
  for (const char* name : {"quick", "standard", "stress", "ci-gate"}) {
    const fs::path file = kProfiles / (std::string(name) + ".xml");
    const Profile p = read_profile(file.string());
    EXPECT_EQ(p.identity.id, name);
    EXPECT_FALSE(p.tests.empty());
    EXPECT_EQ(p.identity.sha256.size(), 64u);
    if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
      const std::string cmd = "xmllint --noout --schema " +
                              (kProfiles / "aicert-profile-1.xsd").string() + " " + file.string() +
                              " 2>/dev/null";
      EXPECT_EQ(std::system(cmd.c_str()), 0) << file;
    }
    ++n;
  }
  EXPECT_EQ(n, 4);
  EXPECT_GT(read_profile((kProfiles / "stress.xml").string()).soak_s, 0);
}

TEST(Profiles, EveryFeatureReadsIntoTheModel) {
  const fs::path file = fs::temp_directory_path() / ("aicert-profile-" + std::to_string(getpid()));
  std::ofstream(file)
      << R"(<aicert-profile schema-version="1" id="x" version="2" policy-version="p3">
  <description>all features</description>
  <defaults warmups="4" min-reps="6" max-reps="60" min-time-ms="10" max-time-ms="99" max-cv="0.2"
            seed="11" case-timeout-s="30"/>
  <tiers><tier id="bronze"/><tier id="gold"/></tiers>
  <soak duration-s="12"/>
  <telemetry fail-on="thermal power-brake"/>
  <test id="t1" workload="gemm" blocker="false" repeat-check="true" alpha="2" beta="-1">
    <shapes>8x8x8 16x4x2</shapes>
    <dtypes>bf16</dtypes>
    <layouts>NT TN</layouts>
    <backends>cpu opencl</backends>
    <impls>cpu:blocked</impls>
    <device-kinds>gpu accelerator</device-kinds>
    <tolerance c="5"/>
    <threshold tier="bronze" kind="absolute" min-gflops="3" pci-vendor="0x10de" device-name="*H100*"/>
    <threshold tier="gold" kind="fraction-of-peak" fraction="0.7" peak-impl="cuda:*"/>
    <threshold tier="gold" kind="baseline" max-regression-pct="5"/>
  </test>
  <waiver id="W" tests="t1" cases="*bf16*" expires="2027-02-28">driver bug 123</waiver>
</aicert-profile>
)";
  const Profile p = read_profile(file.string());
  fs::remove(file);
  EXPECT_EQ(p.identity.version, "2");
  EXPECT_EQ(p.identity.policy_version, "p3");
  EXPECT_EQ(p.policy.warmups, 4);
  EXPECT_EQ(p.policy.min_repetitions, 6);
  EXPECT_EQ(p.policy.max_repetitions, 60);
  EXPECT_DOUBLE_EQ(p.policy.max_cv, 0.2);
  EXPECT_EQ(p.seed, 11u);
  EXPECT_DOUBLE_EQ(p.case_timeout_s, 30);
  EXPECT_DOUBLE_EQ(p.soak_s, 12);
  EXPECT_EQ(p.telemetry_fail_on, (std::vector<std::string>{"thermal", "power-brake"}));
  EXPECT_EQ(p.tiers, (std::vector<std::string>{"bronze", "gold"}));
  ASSERT_EQ(p.tests.size(), 1u);
  const ProfileTest& t = p.tests[0];
  EXPECT_FALSE(t.blocker);
  EXPECT_TRUE(t.repeat_check);
  EXPECT_EQ(t.options.shapes, (std::vector<std::string>{"8x8x8", "16x4x2"}));
  EXPECT_EQ(t.options.layouts, (std::vector<std::string>{"NT", "TN"}));
  // The typed specs, planned once: 2 shapes x 1 dtype x 2 layouts, with alpha and beta.
  ASSERT_EQ(t.specs.size(), 4u);
  const GemmSpec& first = std::get<GemmSpec>(t.specs[0]);
  EXPECT_EQ(first.shape_string(), "8x8x8");
  EXPECT_EQ(first.layout, GemmLayout::NT);
  EXPECT_EQ(first.dtype, DType::bf16);
  EXPECT_DOUBLE_EQ(first.alpha, 2);
  EXPECT_DOUBLE_EQ(first.beta, -1);
  EXPECT_EQ(std::get<GemmSpec>(t.specs[3]).shape_string(), "16x4x2");
  EXPECT_EQ(std::get<GemmSpec>(t.specs[3]).layout, GemmLayout::TN);
  EXPECT_EQ(t.backends, (std::vector<std::string>{"cpu", "opencl"}));
  EXPECT_EQ(t.device_kinds, (std::vector<std::string>{"gpu", "accelerator"}));
  EXPECT_DOUBLE_EQ(t.tolerance_c, 5);
  ASSERT_EQ(t.thresholds.size(), 3u);
  EXPECT_EQ(*t.thresholds[0].match.pci_vendor, 0x10de);
  EXPECT_FALSE(t.thresholds[0].match.pci_device);
  EXPECT_EQ(t.thresholds[1].peak_impl, "cuda:*");
  EXPECT_DOUBLE_EQ(t.thresholds[2].max_regression_pct, 5);
  ASSERT_EQ(p.waivers.size(), 1u);
  EXPECT_EQ(p.waivers[0].cases, "*bf16*");
  EXPECT_EQ(p.waivers[0].expires, "2027-02-28");
  EXPECT_EQ(p.waivers[0].reason, "driver bug 123");
}

// A profile with one test and nothing else around it; returns what read_profile() threw, or "".
std::string read_one_test(const std::string& test) {
  const fs::path file =
      fs::temp_directory_path() / ("aicert-profile-c-" + std::to_string(getpid()));
  std::ofstream(file) << "<aicert-profile schema-version=\"1\" id=\"x\" version=\"1\" "
                         "policy-version=\"p\">\n  <tiers><tier id=\"t\"/></tiers>\n  " +
                             test + "\n</aicert-profile>\n";
  std::string error;
  try {
    read_profile(file.string());
  } catch (const std::exception& e) {
    error = e.what();
  }
  fs::remove(file);
  return error;
}

TEST(Profiles, CollectiveTestsTakeOpsRanksAndSizes) {
  const fs::path file =
      fs::temp_directory_path() / ("aicert-profile-c-" + std::to_string(getpid()));
  std::ofstream(file)
      << R"(<aicert-profile schema-version="1" id="x" version="1" policy-version="p">
  <tiers><tier id="t"/></tiers>
  <test id="c" workload="collective">
    <ops>allreduce-max alltoall</ops>
    <ranks>2 3</ranks>
    <sizes>8 4100</sizes>
    <dtypes>int32 bf16</dtypes>
  </test>
</aicert-profile>
)";
  const Profile p = read_profile(file.string());
  fs::remove(file);
  ASSERT_EQ(p.tests.size(), 1u);
  EXPECT_EQ(p.tests[0].options.ops, (std::vector<std::string>{"allreduce-max", "alltoall"}));
  EXPECT_EQ(p.tests[0].options.ranks, (std::vector<int>{2, 3}));
  EXPECT_EQ(p.tests[0].options.sizes, (std::vector<double>{8, 4100}));
  EXPECT_TRUE(p.tests[0].options.shapes.empty());

  const char* cases[][2] = {
      {"<test id=\"c\" workload=\"collective\"><ops>allsum</ops><sizes>8</sizes></test>",
       "unknown collective op"},
      {"<test id=\"c\" workload=\"collective\"><ranks>0</ranks><sizes>8</sizes></test>",
       "not a rank count"},
      {"<test id=\"c\" workload=\"collective\"><sizes>8 -1</sizes></test>", "not a size"},
      {"<test id=\"c\" workload=\"collective\"><ops>alltoall</ops></test>", "has no <sizes>"},
      {"<test id=\"c\" workload=\"collective\"><shapes>8x8x8</shapes><sizes>8</sizes></test>",
       "<shapes> does not apply to workload collective (it is for gemm, attention, peak)"},
      {"<test id=\"g\" workload=\"gemm\"><shapes>8x8x8</shapes><sizes>8</sizes></test>",
       "<sizes> does not apply to workload gemm (it is for collective, stream)"},
      {"<test id=\"g\" workload=\"gemm\"><shapes>8x8x8</shapes><dtypes>int32</dtypes></test>",
       "unknown dtype"},
      {"<test id=\"g\" workload=\"gemm\"><shapes>8x8x8</shapes>"
       "<device-kinds>gpu fpga</device-kinds></test>",
       "<device-kinds> item \"fpga\": unknown device kind (known: cpu, gpu, accelerator)"},
  };
  for (const auto& c : cases) {
    const std::string error = read_one_test(c[0]);
    EXPECT_NE(error.find(c[1]), std::string::npos) << c[0] << "\n -> " << error;
  }
}

}  // namespace
}  // namespace aicert
