// Limits on input, end to end: a profile, report or journal larger than aicert reads, a shape
// whose buffers exceed the memory available, a case larger than its device's memory. Each is
// refused with exit 2 and the numbers in the message, before anything is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/cli_support.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;
using InputLimitsTest = TempDirTest;

std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A file of `bytes` that starts like XML and is sparse (no disk is written for it).
void write_big_file(const std::string& file, std::uintmax_t bytes) {
  std::ofstream(file) << "<?xml version=\"1.0\"?>\n<!--";
  fs::resize_file(file, bytes);
}

TEST_F(InputLimitsTest, ProfileLargerThanFourMiBIsRefusedBeforeAnythingIsWritten) {
  const std::string profile = path("big.xml");
  write_big_file(profile, (std::uintmax_t{4} << 20) + 1);
  const Outcome o = aicert("certify --profile " + profile + " --out " + path("out"));
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find(profile + ": larger than the 4.0 MiB a profile may be"),
            std::string::npos)
      << o.output;
  EXPECT_FALSE(fs::exists(path("out")));
}

TEST_F(InputLimitsTest, ReportAndJournalLargerThan512MiBAreRefused) {
  const std::string report = path("big-report.xml");
  write_big_file(report, (std::uintmax_t{512} << 20) + 1);
  const std::string html = path("view.html");
  std::ofstream(html) << "earlier view";
  for (const std::string& args : {"report " + report + " --html " + html,
                                  "verify " + report,
                                  "compare " + report + " " + report + " --html " + html}) {
    const Outcome o = aicert(args);
    EXPECT_EQ(o.exit_code, 2) << args << "\n" << o.output;
    EXPECT_NE(o.output.find(report + ": larger than the 512.0 MiB a report may be"),
              std::string::npos)
        << args << "\n" << o.output;
  }
  EXPECT_EQ(slurp(html), "earlier view");

  // A journal of that size: --resume refuses it and leaves it as it is.
  fs::create_directories(path("out"));
  write_big_file(path("out/journal"), (std::uintmax_t{512} << 20) + 1);
  const Outcome o = aicert("certify --profile quick --backend cpu --resume --out " + path("out"));
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("journal: larger than the 512.0 MiB a journal may be"),
            std::string::npos)
      << o.output;
  EXPECT_EQ(fs::file_size(path("out/journal")), (std::uintmax_t{512} << 20) + 1);
}

TEST_F(InputLimitsTest, ShapesBeyondHostMemoryAreRefusedWithTheNumbers) {
  // Host memory capped at 1 GB, so that the shapes are too large on any machine (a 128 GiB one
  // would otherwise start the 40000^3 GEMM).
  const std::string cap = "AICERT_HOST_MEMORY_LIMIT=1000000000";
  const std::string out = path("report.xml");
  std::ofstream(out) << "earlier report";
  for (const std::string& args :
       {std::string("--shape 40000x40000x40000"), std::string("--shape 1,64,8,100000,256"),
        std::string("--workload collective --op allreduce --size 1TiB"),
        std::string("--workload stream --size 1GiB")}) {
    const Outcome o = aicert("run --backend cpu " + args + " --out " + out, cap);
    EXPECT_EQ(o.exit_code, 2) << args << "\n" << o.output;
    EXPECT_NE(o.output.find(" needs "), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("iB, more than the 953.7 MiB available"), std::string::npos)
        << o.output;
  }
  EXPECT_EQ(slurp(out), "earlier report");
  // Without the cap these shapes still need more than this machine's memory or kernels' limits.
  const Outcome huge = aicert("run --backend cpu --workload collective --op allreduce --size 1TiB "
                              "--out " + out);
  EXPECT_EQ(huge.exit_code, 2) << huge.output;
  const Outcome bad = aicert("run --backend cpu --shape 8x8x8 --out " + out,
                             "AICERT_HOST_MEMORY_LIMIT=lots");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("AICERT_HOST_MEMORY_LIMIT: 'lots' is not a positive number of bytes"),
            std::string::npos)
      << bad.output;
  EXPECT_EQ(slurp(out), "earlier report");
}

TEST_F(InputLimitsTest, CaseLargerThanItsDeviceMemoryIsRefused) {
  // The faulty test plugin's device, told to have 1 MB: a 512^3 fp32 GEMM needs 3 MiB on it.
  const std::string env = "AICERT_PLUGIN_PATH=" + std::string(AICERT_BINARY_DIR) +
                          "/tests/plugins-faulty AICERT_TEST_DEVICE_MEMORY=1000000";
  const Outcome o = aicert("run --backend cpu --impl test:correct --shape 512x512x512 --dtype "
                           "fp32 --out " + path("r.xml"), env);
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("needs 3.0 MiB, more than the 976.6 KiB available on cpu device 0 "
                          "(faulty test device)"),
            std::string::npos)
      << o.output;
  EXPECT_FALSE(fs::exists(path("r.xml")));
  // With room for it, the same case runs.
  const Outcome fits = aicert("run --backend cpu --impl test:correct --shape 64x64x64 --dtype "
                              "fp32 --min-time-ms 0 --out " + path("r.xml"), env);
  EXPECT_EQ(fits.exit_code, 0) << fits.output;
}

}  // namespace
}  // namespace aicert
