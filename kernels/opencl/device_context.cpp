// Context and queue creation for one device, and its compiled kernels' work-group limit.
#include "kernels/opencl/device_context.h"

#include "kernels/opencl/cl_error.h"

namespace aicert::opencl {

DeviceContext::DeviceContext(ClDevice device) : device_(std::move(device)) {
  const cl_context_properties props[] = {
      CL_CONTEXT_PLATFORM, reinterpret_cast<cl_context_properties>(device_.platform), 0};
  context_ = ContextHandle(
      AICERT_CL(device_.label, clCreateContext, props, 1u, &device_.id, nullptr, nullptr));
}

QueueHandle DeviceContext::make_profiling_queue() const {
  return QueueHandle(AICERT_CL(device_.label, clCreateCommandQueue, context_.get(), device_.id,
                               cl_command_queue_properties{CL_QUEUE_PROFILING_ENABLE}));
}

std::size_t DeviceContext::work_group_limit(cl_kernel kernel) const {
  std::size_t max_wg = 0;
  AICERT_CL(device_.label, clGetKernelWorkGroupInfo, kernel, device_.id,
            cl_kernel_work_group_info{CL_KERNEL_WORK_GROUP_SIZE}, sizeof max_wg,
            static_cast<void*>(&max_wg), nullptr);
  return max_wg;
}

}  // namespace aicert::opencl
