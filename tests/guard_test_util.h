// A check shared by the device suites: download() brings back whole buffers, guards included,
// and a kernel writes inside its output's payload only.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "kernels/backend_api.h"
#include "workloads/check_result.h"

namespace aicert::test {

// One launch of `kernel` on `inputs`; the host guards of output `name` are wiped before
// download(): they must come back intact, the result must pass `check(inputs, outputs)`, and a
// guard byte changed afterwards must fail it with exactly one touched byte.
template <class Check>
void expect_download_restores_guards(Kernel& kernel, const HostTensors& inputs,
                                     const std::string& name, Check check) {
  kernel.upload(inputs);
  kernel.run();
  kernel.elapsed_ms_since_last_sync();
  HostTensors outputs = inputs;
  Tensor& out = outputs.at(name);
  std::memset(out.buffer.whole(), 0, out.buffer.total_bytes());
  ASSERT_GT(out.buffer.touched_guard_bytes(), 0u);
  kernel.download(outputs);
  EXPECT_EQ(out.buffer.touched_guard_bytes(), 0u);
  EXPECT_TRUE(check(inputs, outputs).passed);
  out.buffer.whole()[GuardedBuffer::kGuardBytes + out.buffer.payload_bytes()] = std::byte{0};
  const CheckResult bad = check(inputs, outputs);
  EXPECT_FALSE(bad.passed);
  EXPECT_EQ(bad.guard_bytes_touched, 1u);
}

}  // namespace aicert::test
