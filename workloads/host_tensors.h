// Host-side tensors of one case, each in a buffer with sentinel guards on both sides.
// Backends upload and download whole buffers, guards included, and compute only into the
// payload; a kernel that writes out of bounds therefore changes a guard, which the checker sees.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/dtype.h"

namespace aicert {

class GuardedBuffer {
 public:
  static constexpr std::size_t kGuardBytes = 256;
  static constexpr std::uint8_t kGuardByte = 0xA5;

  GuardedBuffer() = default;
  explicit GuardedBuffer(std::size_t payload_bytes);

  std::size_t payload_bytes() const { return payload_bytes_; }
  std::size_t total_bytes() const { return storage_.size(); }
  // Offset of the payload inside the whole buffer (= guard size).
  static constexpr std::size_t payload_offset() { return kGuardBytes; }

  std::byte* whole() { return storage_.data(); }
  const std::byte* whole() const { return storage_.data(); }
  std::byte* payload() { return storage_.data() + kGuardBytes; }
  const std::byte* payload() const { return storage_.data() + kGuardBytes; }

  // Number of guard bytes that no longer hold the sentinel pattern.
  std::size_t touched_guard_bytes() const;

 private:
  std::vector<std::byte> storage_;
  std::size_t payload_bytes_ = 0;
};

struct Tensor {
  std::string name;  // "A", "B", "C", ...
  DType dtype = DType::fp32;
  std::vector<std::int64_t> dims;
  bool is_output = false;  // downloaded after the run (may also be an input, e.g. C with beta)
  GuardedBuffer buffer;

  std::size_t elements() const;
  void* data() { return buffer.payload(); }
  const void* data() const { return buffer.payload(); }
};

// A tensor of `dims` in `dtype` with its guarded buffer (payload not initialised beyond what
// GuardedBuffer does).
Tensor make_tensor(std::string name, DType dtype, std::vector<std::int64_t> dims, bool is_output);

struct HostTensors {
  std::vector<Tensor> tensors;

  Tensor& at(const std::string& name);
  const Tensor& at(const std::string& name) const;
};

}  // namespace aicert
