// cpu:stream, loaded with dlopen as the harness does: every op at a count that is not a multiple
// of the threads' 16-element chunks, with ordinary stores (arrays in the cache) and with
// non-temporal ones (arrays larger than the last-level cache), repeated runs, guards untouched;
// an element corrupted after the run is caught; the backend's table offers it and refuses what
// it cannot run.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "kernels/backend_api.h"
#include "workloads/stream_workload.h"

namespace aicert {
namespace {

constexpr const char* kPluginFile = AICERT_PLUGIN_DIR "/aicert-backend-cpu.so";

Backend& backend() {
  static Backend* b = [] {
    void* handle = dlopen(kPluginFile, RTLD_NOW | RTLD_LOCAL);
    auto fn = handle ? reinterpret_cast<AicertPluginEntryFn>(
                           dlsym(handle, AICERT_PLUGIN_ENTRY_SYMBOL))
                     : nullptr;
    std::string why;
    Backend* created = fn ? fn()->create(&why) : nullptr;
    if (created == nullptr) ADD_FAILURE() << "cannot load " << kPluginFile << ": " << why;
    return created;
  }();
  return *b;
}

StreamSpec stream(StreamOp op, std::int64_t count) {
  StreamSpec s;
  s.op = op;
  s.count = count;
  return s;
}

// Uploads, runs three times, downloads: the check's verdict (and the output for tampering).
CheckResult run_and_check(const StreamSpec& s, HostTensors* out_copy = nullptr) {
  std::string why;
  auto kernel = backend().make(CaseSpec{s, 3}, 0, "cpu:stream", &why);
  EXPECT_NE(kernel, nullptr) << why;
  if (!kernel) return {};
  EXPECT_EQ(kernel->impl(), "cpu:stream");
  const HostTensors in = make_stream_tensors(s, 3);
  kernel->upload(in);
  for (int i = 0; i < 3; ++i) kernel->run();
  EXPECT_GT(kernel->elapsed_ms_since_last_sync(), 0.0);
  HostTensors out = in;
  kernel->download(out);
  if (out_copy) *out_copy = out;
  return check_stream(s, in, out);
}

std::int64_t llc_elements() {
  const DeviceInfo d = backend().devices().at(0);
  const auto l3 = std::stoull(d.properties.at("l3_bytes"));
  const auto l2 = std::stoull(d.properties.at("l2_bytes"));
  return static_cast<std::int64_t>((l3 ? l3 : l2) / sizeof(float));
}

class CpuStream : public ::testing::TestWithParam<StreamOp> {};

TEST_P(CpuStream, EveryOpIsExactInAndOutOfTheCache) {
  for (std::int64_t count : {std::int64_t{1}, std::int64_t{17}, std::int64_t{1000003},
                             llc_elements() + 12345}) {
    const CheckResult r = run_and_check(stream(GetParam(), count));
    EXPECT_TRUE(r.passed) << count << ": " << r.reason;
    EXPECT_EQ(r.guard_bytes_touched, 0u);
  }
}

TEST_P(CpuStream, ACorruptedElementIsCaught) {
  const StreamSpec s = stream(GetParam(), 1000003);
  HostTensors out;
  ASSERT_TRUE(run_and_check(s, &out).passed);
  const HostTensors in = make_stream_tensors(s, 3);
  const bool dot = s.op == StreamOp::dot;
  float& v = static_cast<float*>(out.at(dot ? "S" : "C").data())[dot ? 0 : 123457];
  v = std::nextafter(v, INFINITY);  // one unit in the last place
  EXPECT_FALSE(check_stream(s, in, out).passed);
}

INSTANTIATE_TEST_SUITE_P(All, CpuStream,
                         ::testing::Values(StreamOp::copy, StreamOp::mul, StreamOp::add,
                                           StreamOp::triad, StreamOp::dot),
                         [](const auto& info) { return std::string(stream_op_name(info.param)); });

TEST(CpuStreamTable, OfferedAndRefusedByTheTable) {
  EXPECT_EQ(backend().implementations("stream"), std::vector<std::string>{"cpu:stream"});
  std::string why;
  EXPECT_EQ(backend().make(CaseSpec{stream(StreamOp::copy, 8), 1}, 0, "cpu:blocked", &why),
            nullptr);
  EXPECT_EQ(why, "not supported: cpu has no stream implementation 'cpu:blocked' (it has "
                 "cpu:stream)");
  StreamSpec fp16 = stream(StreamOp::copy, 8);
  fp16.dtype = DType::fp16;
  EXPECT_EQ(backend().make(CaseSpec{fp16, 1}, 0, "cpu:stream", &why), nullptr);
  EXPECT_NE(why.find("invalid stream case: stream runs fp32"), std::string::npos) << why;
}

}  // namespace
}  // namespace aicert
