// Whole-buffer upload and download.
#include "kernels/opencl/device_buffers.h"

#include <stdexcept>

#include "kernels/opencl/cl_error.h"

namespace aicert::opencl {

void DeviceBuffers::upload(cl_context context, cl_command_queue queue, const HostTensors& tensors,
                           const std::string& where) {
  entries_.clear();
  for (const Tensor& t : tensors.tensors) {
    Entry e;
    e.name = t.name;
    e.bytes = t.buffer.total_bytes();
    e.is_output = t.is_output;
    const cl_mem_flags flags = t.is_output ? CL_MEM_READ_WRITE : CL_MEM_READ_ONLY;
    e.mem = MemHandle(AICERT_CL(where, clCreateBuffer, context, flags, e.bytes, nullptr));
    AICERT_CL(where, clEnqueueWriteBuffer, queue, e.mem.get(), cl_bool{CL_TRUE}, std::size_t{0},
              e.bytes, static_cast<const void*>(t.buffer.whole()), 0u, nullptr, nullptr);
    entries_.push_back(std::move(e));
  }
}

void DeviceBuffers::download(cl_command_queue queue, HostTensors& tensors,
                             const std::string& where) const {
  for (const Entry& e : entries_) {
    if (!e.is_output) continue;
    Tensor& t = tensors.at(e.name);
    if (t.buffer.total_bytes() != e.bytes) {
      throw std::invalid_argument("download of tensor " + e.name + " on " + where + ": host has " +
                                  std::to_string(t.buffer.total_bytes()) + " bytes, device " +
                                  std::to_string(e.bytes));
    }
    AICERT_CL(where, clEnqueueReadBuffer, queue, e.mem.get(), cl_bool{CL_TRUE}, std::size_t{0},
              e.bytes, static_cast<void*>(t.buffer.whole()), 0u, nullptr, nullptr);
  }
}

cl_mem DeviceBuffers::buffer(const std::string& name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return e.mem.get();
  }
  throw std::out_of_range("no device buffer for tensor " + name + " (upload first)");
}

}  // namespace aicert::opencl
