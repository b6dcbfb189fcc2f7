// Helpers of the device suites of the stream workload (OpenCL, CUDA): one case through a Kernel
// with several launches, the exact check, the output's guards, and an injected error.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/backend_api.h"
#include "workloads/stream_workload.h"

namespace aicert::test {

inline const std::vector<StreamOp>& all_stream_ops() {
  static const std::vector<StreamOp> ops = {StreamOp::copy, StreamOp::mul, StreamOp::add,
                                            StreamOp::triad, StreamOp::dot};
  return ops;
}

inline StreamSpec stream_spec(StreamOp op, std::int64_t count) {
  StreamSpec s;
  s.op = op;
  s.count = count;
  return s;
}

inline std::string describe(const StreamSpec& s) {
  return std::string(stream_op_name(s.op)) + " count=" + std::to_string(s.count);
}

inline std::string describe_stream_check(const CheckResult& c) {
  return "wrong=" + std::to_string(c.wrong_count) + " nan=" + std::to_string(c.nan_count) +
         " guards=" + std::to_string(c.guard_bytes_touched) +
         " worst=" + std::to_string(c.worst_index) + " value=" + std::to_string(c.worst_value) +
         " ref=" + std::to_string(c.worst_reference) + " reason=" + c.reason;
}

inline const char* stream_output_name(const StreamSpec& s) {
  return s.op == StreamOp::dot ? "S" : "C";
}

// Uploads the seeded inputs, runs `launches` launches (each must write the same output), syncs,
// downloads into a copy whose output is wiped (payload NaN, guards zero), and expects: device
// time > 0, guards restored, the exact check passed; then one output element changed on the
// host must fail the check with exactly that element wrong.
inline void expect_stream_case(Kernel& kernel, const StreamSpec& spec, int launches = 3,
                               std::uint64_t seed = 7) {
  SCOPED_TRACE(describe(spec));
  const HostTensors inputs = make_stream_tensors(spec, seed);
  kernel.upload(inputs);
  for (int i = 0; i < launches; ++i) kernel.run();
  EXPECT_GT(kernel.elapsed_ms_since_last_sync(), 0.0);

  HostTensors outputs = inputs;
  Tensor& out = outputs.at(stream_output_name(spec));
  std::memset(out.buffer.whole(), 0, out.buffer.total_bytes());
  std::memset(out.data(), 0xFF, out.buffer.payload_bytes());
  ASSERT_GT(out.buffer.touched_guard_bytes(), 0u);
  kernel.download(outputs);
  EXPECT_EQ(out.buffer.touched_guard_bytes(), 0u);
  const CheckResult good = check_stream(spec, inputs, outputs);
  ASSERT_TRUE(good.passed) << describe_stream_check(good);
  EXPECT_EQ(good.wrong_count, 0u);

  // The check is exact: one element one ulp off is found.
  auto* v = static_cast<float*>(out.data());
  const std::size_t victim = out.elements() / 2;
  const float right = v[victim];
  v[victim] = std::nextafter(right, INFINITY);
  const CheckResult bad = check_stream(spec, inputs, outputs);
  EXPECT_FALSE(bad.passed);
  EXPECT_EQ(bad.wrong_count, 1u);
  EXPECT_EQ(bad.worst_index, static_cast<std::int64_t>(victim));
  v[victim] = right;

  // A kernel that wrote past its payload shows in a guard: one byte changed fails the check.
  out.buffer.whole()[GuardedBuffer::kGuardBytes + out.buffer.payload_bytes()] = std::byte{0};
  const CheckResult guard = check_stream(spec, inputs, outputs);
  EXPECT_FALSE(guard.passed);
  EXPECT_EQ(guard.guard_bytes_touched, 1u);
}

// Counts around the float4 body and the scalar tail: fewer than one vector, exact vectors,
// every remainder, fewer vectors than one work-group, several work-groups.
inline const std::vector<std::int64_t>& awkward_stream_counts() {
  static const std::vector<std::int64_t> counts = {1, 2, 3, 4, 5, 7, 8, 1023, 4097, 65539};
  return counts;
}

}  // namespace aicert::test
