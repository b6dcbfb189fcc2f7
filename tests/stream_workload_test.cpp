// The stream workload's descriptor: integer-valued inputs, the exact check of each op (a correct
// output passes, one wrong element, a wrong dot or a touched guard fails), plans from ops and
// sizes, and the errors of bad ones.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "workloads/stream_workload.h"
#include "workloads/workload_registry.h"

namespace aicert {
namespace {

StreamSpec stream(StreamOp op, std::int64_t count) {
  StreamSpec s;
  s.op = op;
  s.count = count;
  return s;
}

// What a correct kernel writes, computed here the plain way.
HostTensors correct_outputs(const StreamSpec& s, const HostTensors& in) {
  HostTensors out = in;
  const auto* a = static_cast<const float*>(in.at("A").data());
  const float* b = s.arrays_read() == 2 ? static_cast<const float*>(in.at("B").data()) : nullptr;
  if (s.op == StreamOp::dot) {
    double sum = 0;
    for (std::int64_t i = 0; i < s.count; ++i) sum += static_cast<double>(a[i]) * b[i];
    *static_cast<float*>(out.at("S").data()) = static_cast<float>(sum);
    return out;
  }
  auto* c = static_cast<float*>(out.at("C").data());
  const float k = kStreamScalar;
  for (std::int64_t i = 0; i < s.count; ++i) {
    switch (s.op) {
      case StreamOp::copy: c[i] = a[i]; break;
      case StreamOp::mul: c[i] = k * a[i]; break;
      case StreamOp::add: c[i] = a[i] + b[i]; break;
      case StreamOp::triad: c[i] = a[i] + k * b[i]; break;
      case StreamOp::dot: break;
    }
  }
  return out;
}

class StreamOps : public ::testing::TestWithParam<StreamOp> {};

TEST_P(StreamOps, CorrectOutputPassesAndOneWrongElementFails) {
  const StreamSpec s = stream(GetParam(), 10007);
  const HostTensors in = make_stream_tensors(s, 5);
  const auto* a = static_cast<const float*>(in.at("A").data());
  for (std::int64_t i = 0; i < s.count; ++i) {
    ASSERT_EQ(a[i], std::floor(a[i])) << "inputs are integers";
    ASSERT_LE(std::fabs(a[i]), kStreamInputBound);
  }
  HostTensors out = correct_outputs(s, in);
  const CheckResult good = check_stream(s, in, out);
  EXPECT_TRUE(good.passed) << good.reason;
  EXPECT_TRUE(good.tolerance.exact);

  // The smallest possible error: one unit in the last place of one element (or of the dot).
  const bool dot = s.op == StreamOp::dot;
  float* bad = static_cast<float*>(out.at(dot ? "S" : "C").data()) + (dot ? 0 : s.count / 2);
  *bad = std::nextafter(*bad, INFINITY);
  const CheckResult wrong = check_stream(s, in, out);
  EXPECT_FALSE(wrong.passed);
  EXPECT_EQ(wrong.wrong_count, 1u);
  EXPECT_NE(wrong.reason.find("outside their bound"), std::string::npos) << wrong.reason;
}

TEST_P(StreamOps, AWriteOutOfBoundsFails) {
  const StreamSpec s = stream(GetParam(), 100);
  const HostTensors in = make_stream_tensors(s, 5);
  HostTensors out = correct_outputs(s, in);
  Tensor& t = out.at(s.op == StreamOp::dot ? "S" : "C");
  t.buffer.payload()[t.buffer.payload_bytes()] = std::byte{0};  // the first byte past the end
  const CheckResult r = check_stream(s, in, out);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.reason.find("guard"), std::string::npos) << r.reason;
}

INSTANTIATE_TEST_SUITE_P(All, StreamOps,
                         ::testing::Values(StreamOp::copy, StreamOp::mul, StreamOp::add,
                                           StreamOp::triad, StreamOp::dot),
                         [](const auto& info) { return std::string(stream_op_name(info.param)); });

TEST(StreamWorkload, DotIsExactWhereAnFp32SumIsNot) {
  // 2^20 products of up to 2^20: an fp32 running sum loses bits, the fp64 one does not.
  const StreamSpec s = stream(StreamOp::dot, 1 << 20);
  const HostTensors in = make_stream_tensors(s, 7);
  const auto* a = static_cast<const float*>(in.at("A").data());
  const auto* b = static_cast<const float*>(in.at("B").data());
  float fp32_sum = 0;
  for (std::int64_t i = 0; i < s.count; ++i) fp32_sum += a[i] * b[i];
  HostTensors out = correct_outputs(s, in);
  ASSERT_TRUE(check_stream(s, in, out).passed);
  const float exact = *static_cast<const float*>(out.at("S").data());
  if (fp32_sum != exact) {  // a kernel that accumulates in fp32 is caught
    *static_cast<float*>(out.at("S").data()) = fp32_sum;
    EXPECT_FALSE(check_stream(s, in, out).passed);
  }
}

TEST(StreamWorkload, BytesCountWhatEachOpMoves) {
  EXPECT_EQ(stream(StreamOp::copy, 1000).bytes(), 8000);
  EXPECT_EQ(stream(StreamOp::mul, 1000).bytes(), 8000);
  EXPECT_EQ(stream(StreamOp::add, 1000).bytes(), 12000);
  EXPECT_EQ(stream(StreamOp::triad, 1000).bytes(), 12000);
  EXPECT_EQ(stream(StreamOp::dot, 1000).bytes(), 8000);
  const Workload& w = descriptor_for<StreamSpec>();
  EXPECT_EQ(w.figure(), Figure::gbps);
  const auto bw = w.bandwidth(stream(StreamOp::triad, 1000000), 1.0);  // 12 MB in 1 ms
  ASSERT_TRUE(bw.has_value());
  EXPECT_DOUBLE_EQ(bw->algbw_gbps, 12.0);
  EXPECT_EQ(w.shape(stream(StreamOp::triad, 1000)), "triad/4000B");
}

TEST(StreamWorkload, DeviceBytesAreTheArraysTheOpTouches) {
  const Workload& w = *find_workload("stream");
  EXPECT_DOUBLE_EQ(w.device_bytes(stream(StreamOp::copy, 1000), 1), 2 * 4000.0);
  EXPECT_DOUBLE_EQ(w.device_bytes(stream(StreamOp::triad, 1000), 1), 3 * 4000.0);
  EXPECT_DOUBLE_EQ(w.device_bytes(stream(StreamOp::dot, 1000), 1), 2 * 4000.0);
}

TEST(StreamWorkload, PlansOpsBySizesAndRefusesBadOnes) {
  const Workload& w = *find_workload("stream");
  WorkloadOptions o;
  EXPECT_EQ(w.plan_specs(o, 1e12).size(), 5u);  // every op at 256 MiB
  EXPECT_EQ(std::get<StreamSpec>(w.plan_specs(o, 1e12).front()).count, 64 << 20);
  o.ops = {"triad", "dot"};
  o.sizes = {4096, 1 << 20};
  const auto specs = w.plan_specs(o, 1e12);
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(std::get<StreamSpec>(specs[1]).count, 1 << 18);
  EXPECT_EQ(std::get<StreamSpec>(specs[2]).op, StreamOp::dot);

  WorkloadOptions bad_op;
  bad_op.ops = {"scale"};
  EXPECT_THROW(w.plan_specs(bad_op, 1e12), WorkloadOptionError);
  EXPECT_NE(w.check_item(kOptOps, "allreduce"), "");
  EXPECT_EQ(w.check_item(kOptOps, "copy"), "");
  WorkloadOptions too_big;
  too_big.sizes = {1e9};
  EXPECT_THROW(w.plan_specs(too_big, 1e9), WorkloadOptionError);  // needs 8 GB
  StreamSpec fp16 = stream(StreamOp::copy, 10);
  fp16.dtype = DType::fp16;
  EXPECT_NE(validate_stream_spec(fp16, 1e12), "");
  EXPECT_NE(validate_stream_spec(stream(StreamOp::copy, 0), 1e12), "");
}

}  // namespace
}  // namespace aicert
