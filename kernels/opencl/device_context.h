// One OpenCL device opened for work: its cl_context (shared by every kernel on the device, so
// the program cache and CLBlast's own cache hit across cases) and profiling queues.
#pragma once

#include <cstddef>
#include <memory>

#include "kernels/opencl/cl_handle.h"
#include "kernels/opencl/platform_enum.h"

namespace aicert::opencl {

class DeviceContext {
 public:
  // Creates the context; throws ClError naming the device on failure.
  explicit DeviceContext(ClDevice device);

  const ClDevice& device() const { return device_; }
  const DeviceCaps& caps() const { return device_.caps; }
  cl_device_id id() const { return device_.id; }
  cl_context context() const { return context_.get(); }
  const std::string& label() const { return device_.label; }

  // An in-order queue with CL_QUEUE_PROFILING_ENABLE, so kernels time with device events.
  QueueHandle make_profiling_queue() const;

  // The largest work-group a compiled kernel of this device allows (CL_KERNEL_WORK_GROUP_SIZE):
  // its registers and local memory can make it smaller than the device's own limit.
  std::size_t work_group_limit(cl_kernel kernel) const;

 private:
  ClDevice device_;
  ContextHandle context_;
};

}  // namespace aicert::opencl
