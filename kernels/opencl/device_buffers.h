// Device copies of a case's tensors: whole guarded buffers (guards included) go up and come
// back, so a kernel that writes outside the payload changes a guard the checker sees.
#pragma once

#include <CL/cl.h>

#include <string>
#include <vector>

#include "kernels/opencl/cl_handle.h"
#include "workloads/host_tensors.h"

namespace aicert::opencl {

class DeviceBuffers {
 public:
  // Allocates one buffer per tensor and copies every whole buffer (blocking).
  void upload(cl_context context, cl_command_queue queue, const HostTensors& tensors,
              const std::string& where);
  // Reads back every output tensor's whole buffer (blocking).
  void download(cl_command_queue queue, HostTensors& tensors, const std::string& where) const;
  // The buffer of tensor `name`; throws std::out_of_range before upload.
  cl_mem buffer(const std::string& name) const;
  bool empty() const { return entries_.empty(); }

  // Offset of the payload inside a whole buffer, in elements of `dtype`.
  static std::size_t payload_offset_elements(DType dtype) {
    return GuardedBuffer::payload_offset() / dtype_size(dtype);
  }

 private:
  struct Entry {
    std::string name;
    MemHandle mem;
    std::size_t bytes = 0;
    bool is_output = false;
  };
  std::vector<Entry> entries_;
};

}  // namespace aicert::opencl
