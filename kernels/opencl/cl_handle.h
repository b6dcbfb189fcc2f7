// Owning handles for OpenCL objects: release on destruction, retain on copy, so a program in
// the cache and a kernel built from it can share lifetimes without manual bookkeeping.
#pragma once

#include <CL/cl.h>

#include <utility>

namespace aicert::opencl {

template <class T, cl_int (*Retain)(T), cl_int (*Release)(T)>
class ClHandle {
 public:
  ClHandle() = default;
  // Takes ownership of an object the caller got from a create call.
  explicit ClHandle(T object) : object_(object) {}
  ClHandle(const ClHandle& other) : object_(other.object_) {
    if (object_) Retain(object_);
  }
  ClHandle(ClHandle&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  ClHandle& operator=(ClHandle other) noexcept {
    std::swap(object_, other.object_);
    return *this;
  }
  ~ClHandle() {
    if (object_) Release(object_);
  }

  T get() const { return object_; }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  T object_ = nullptr;
};

using ContextHandle = ClHandle<cl_context, clRetainContext, clReleaseContext>;
using QueueHandle = ClHandle<cl_command_queue, clRetainCommandQueue, clReleaseCommandQueue>;
using MemHandle = ClHandle<cl_mem, clRetainMemObject, clReleaseMemObject>;
using ProgramHandle = ClHandle<cl_program, clRetainProgram, clReleaseProgram>;
using KernelHandle = ClHandle<cl_kernel, clRetainKernel, clReleaseKernel>;
using EventHandle = ClHandle<cl_event, clRetainEvent, clReleaseEvent>;

}  // namespace aicert::opencl
