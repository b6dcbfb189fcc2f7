// The CPU backend's "device memory": each kernel's own 64-byte-aligned copy of the whole guarded
// buffers (guards included), so a kernel that writes out of bounds damages a guard the checker
// sees after download, exactly as on a GPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/cpu/aligned_buffer.h"
#include "workloads/host_tensors.h"

namespace aicert::cpu {

class KernelTensors {
 public:
  // Copies every tensor, whole buffer, replacing what was uploaded before.
  void upload(const HostTensors& tensors);
  // Copies every output tensor back, whole buffer. Throws if `tensors` does not have the
  // tensors (names, dtypes, sizes) that were uploaded.
  void download(HostTensors& tensors) const;

  bool empty() const { return entries_.empty(); }
  // Payload (past the front guard) of a tensor; throws if there is none of that name.
  std::byte* payload(const std::string& name);
  DType dtype(const std::string& name) const;
  std::size_t payload_bytes(const std::string& name) const;

 private:
  struct Entry {
    std::string name;
    DType dtype = DType::fp32;
    bool is_output = false;
    std::size_t payload_bytes = 0;
    AlignedBuffer memory;  // whole guarded buffer
  };
  const Entry& find(const std::string& name) const;

  std::vector<Entry> entries_;
};

}  // namespace aicert::cpu
