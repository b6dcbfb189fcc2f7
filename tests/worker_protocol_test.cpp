// The worker request's own encoding: every workload's request round-trips field for field, and
// truncated, garbled or other-version lines are refused with ReportParseError, never misread.
#include "harness/worker_protocol.h"

#include <gtest/gtest.h>

#include "reports/report_xml.h"
#include "workloads/workload_registry.h"

namespace aicert {
namespace {

WorkerRequest sample(const WorkloadSpec& spec) {
  WorkerRequest r;
  r.case_id = "t/" + std::string(workload_name(spec)) + "/x";
  r.request.backend = "opencl";
  r.request.device = 3;
  r.request.device_name = "odd \"device\" <name> & a\nnewline";
  r.request.impl = "opencl:tiled";
  r.request.spec.spec = spec;
  r.request.spec.seed = 1234567890123ull;
  r.request.spec.tolerance_c = 4.5;
  r.policy.warmups = 1;
  r.policy.min_repetitions = 3;
  r.policy.min_time_ms = 0.1;
  r.policy.max_repetitions = 7;
  r.policy.max_time_ms = 250;
  r.policy.max_cv = 0.25;
  r.repeat_check_s = 0.5;
  return r;
}

std::vector<WorkloadSpec> one_spec_per_workload() {
  std::vector<WorkloadSpec> out;
  for (const Workload* w : registered_workloads()) {
    WorkloadOptions o;
    if (w->options() & kOptSizes) o.sizes = {4100};
    out.push_back(w->plan_specs(o, 1e12).back());
  }
  return out;
}

TEST(WorkerProtocol, EveryWorkloadsRequestRoundTripsOnOneLine) {
  for (const WorkloadSpec& spec : one_spec_per_workload()) {
    const WorkerRequest r = sample(spec);
    const std::string line = encode_request(r);
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    const WorkerRequest back = decode_request(line);
    EXPECT_EQ(back.case_id, r.case_id);
    EXPECT_EQ(back.request.backend, r.request.backend);
    EXPECT_EQ(back.request.device, r.request.device);
    EXPECT_EQ(back.request.device_name, r.request.device_name);
    EXPECT_EQ(back.request.impl, r.request.impl);
    EXPECT_EQ(back.request.spec.seed, r.request.spec.seed);
    EXPECT_EQ(back.request.spec.tolerance_c, r.request.spec.tolerance_c);
    EXPECT_EQ(workload_shape(back.request.spec.spec), workload_shape(spec));
    EXPECT_EQ(back.request.spec.spec.index(), spec.index());
    EXPECT_EQ(back.policy.warmups, 1);
    EXPECT_EQ(back.policy.min_repetitions, 3);
    EXPECT_EQ(back.policy.min_time_ms, 0.1);
    EXPECT_EQ(back.policy.max_repetitions, 7);
    EXPECT_EQ(back.policy.max_time_ms, 250);
    EXPECT_EQ(back.policy.max_cv, 0.25);
    EXPECT_EQ(back.repeat_check_s, 0.5);
    EXPECT_EQ(encode_request(back), line);  // and encodes to the very same line
  }
}

// Every proper prefix of a request is refused (a worker never runs half a request).
TEST(WorkerProtocol, EveryTruncationIsRefused) {
  const std::string line = encode_request(sample(one_spec_per_workload().front()));
  for (std::size_t n = 0; n < line.size(); ++n) {
    EXPECT_THROW(decode_request(line.substr(0, n)), ReportParseError) << line.substr(0, n);
  }
}

TEST(WorkerProtocol, GarbledAndOtherVersionLinesAreRefusedWithTheReason) {
  const std::string good = encode_request(sample(GemmSpec{64, 32, 16}));
  auto refused = [](const std::string& line) -> std::string {
    try {
      decode_request(line);
    } catch (const ReportParseError& e) {
      return e.what();
    }
    return "";
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  EXPECT_NE(refused(replaced("version=\"2\"", "version=\"1\"")).find("request version 1"),
            std::string::npos);
  std::string other_root = good;
  for (std::size_t at; (at = other_root.find("aicert-request")) != std::string::npos;) {
    other_root.replace(at, 14, "aicert-answer");
  }
  EXPECT_NE(refused(other_root).find("worker request:1: expected <aicert-request>"),
            std::string::npos);
  EXPECT_NE(refused(replaced("</aicert-request>", "</aicert-reques>")), "");  // not well-formed
  EXPECT_NE(refused(replaced("warmups=\"1\"", "warmups=\"x\"")).find("warmups"), std::string::npos);
  EXPECT_NE(refused(replaced("m=\"64\"", "m=\"-4\"")).find("m=\"-4\""), std::string::npos);
  EXPECT_NE(refused(replaced("<gemm ", "<gemn ")).find("no workload spec element"),
            std::string::npos);
  EXPECT_NE(refused(replaced("layout=\"NN\"", "layout=\"QQ\"")).find("GEMM layout"),
            std::string::npos);
  EXPECT_NE(refused(replaced("max-reps=\"7\"", "max-reps=\"2\"")), "");  // below min-reps
  // The encoding of the first round (a fake <case> after 8 numbers) is not read as this one.
  EXPECT_NE(refused("aicert-request-1 2 5 100 1000 5000 0.1 0 0\t<case id=\"x\"/>"), "");
  EXPECT_NE(refused(""), "");
  EXPECT_NE(refused("\x01\x02\xff garbage"), "");
}

}  // namespace
}  // namespace aicert
