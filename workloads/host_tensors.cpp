// Guarded host buffers and named tensor lookup.
#include "workloads/host_tensors.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace aicert {

GuardedBuffer::GuardedBuffer(std::size_t payload_bytes)
    : storage_(payload_bytes + 2 * kGuardBytes), payload_bytes_(payload_bytes) {
  std::memset(storage_.data(), kGuardByte, kGuardBytes);
  std::memset(storage_.data() + kGuardBytes + payload_bytes, kGuardByte, kGuardBytes);
}

std::size_t GuardedBuffer::touched_guard_bytes() const {
  if (storage_.empty()) return 0;
  auto not_sentinel = [](std::byte b) { return b != std::byte{kGuardByte}; };
  const std::byte* front = storage_.data();
  const std::byte* back = storage_.data() + kGuardBytes + payload_bytes_;
  return static_cast<std::size_t>(std::count_if(front, front + kGuardBytes, not_sentinel) +
                                  std::count_if(back, back + kGuardBytes, not_sentinel));
}

std::size_t Tensor::elements() const {
  std::size_t n = 1;
  for (auto d : dims) n *= static_cast<std::size_t>(d);
  return n;
}

Tensor& HostTensors::at(const std::string& name) {
  for (auto& t : tensors) {
    if (t.name == name) return t;
  }
  throw std::out_of_range("no tensor named " + name);
}

const Tensor& HostTensors::at(const std::string& name) const {
  return const_cast<HostTensors*>(this)->at(name);
}

Tensor make_tensor(std::string name, DType dtype, std::vector<std::int64_t> dims, bool is_output) {
  Tensor t;
  t.name = std::move(name);
  t.dtype = dtype;
  t.dims = std::move(dims);
  t.is_output = is_output;
  t.buffer = GuardedBuffer(t.elements() * dtype_size(dtype));
  return t;
}

}  // namespace aicert
