// The OpenCL stream kernels: support decision, build, launch geometry, arguments and launches.
#include "kernels/opencl/stream_kernel.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "kernels/opencl/cl_error.h"
#include "kernels/opencl/stream_cl.h"
#include "workloads/host_tensors.h"

namespace aicert::opencl {

namespace {

// Work-items per work-group at most: enough for a GPU's memory pipeline, and the local scratch
// of the dot reduction (256 doubles, 2 KiB) fits every device.
constexpr std::size_t kMaxLocal = 256;
// GPUs: work-groups per compute unit of the grid-stride loops, enough to keep every core's memory
// requests in flight; the loops cover the rest.
constexpr std::size_t kGroupsPerCuGpu = 16;
// CPUs (PoCL): float4 vectors per work-item. A CPU runtime runs each work-item's loop to its end
// before the next work-item of the group, which reads the neighbouring 16 bytes; the loop's steps
// are a whole grid apart (pages), so only a short loop leaves its cache lines and pages in L1 and
// the TLB for the neighbours. Measured on PoCL (2 cores): 4 steps ~28 GB/s, 16 steps ~19, one
// work-group per core (thousands of steps) ~2.3.
constexpr std::size_t kVectorsPerItemCpu = 4;

std::size_t power_of_two_at_most(std::size_t n) {
  std::size_t p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

// The largest power-of-two work-group size the compiled kernel and the device allow, up to
// kMaxLocal.
std::size_t kernel_local_size(cl_kernel kernel, const DeviceContext& device) {
  const DeviceCaps& caps = device.caps();
  std::size_t limit = std::min(kMaxLocal, device.work_group_limit(kernel));
  if (caps.max_work_group_size > 0) limit = std::min(limit, caps.max_work_group_size);
  if (caps.max_work_item_sizes[0] > 0) limit = std::min(limit, caps.max_work_item_sizes[0]);
  return power_of_two_at_most(std::max<std::size_t>(limit, 1));
}

}  // namespace

std::size_t stream_work_groups(const DeviceCaps& caps, std::int64_t count, std::size_t local) {
  const auto elements = static_cast<std::size_t>(std::max<std::int64_t>(count, 0));
  const std::size_t vectors = (elements + 3) / 4;  // the tail's scalars count as one more
  local = std::max<std::size_t>(local, 1);
  if (caps.is_cpu()) {
    const std::size_t per_group = local * kVectorsPerItemCpu;
    return std::max<std::size_t>((vectors + per_group - 1) / per_group, 1);
  }
  const std::size_t resident = std::max<std::size_t>(caps.compute_units, 1) * kGroupsPerCuGpu;
  return std::clamp<std::size_t>((vectors + local - 1) / local, 1, resident);
}

const std::string& stream_source() {
  static const std::string source(embedded::kStreamSource);
  return source;
}

const char* stream_entry(StreamOp op) {
  switch (op) {
    case StreamOp::copy:
      return "stream_copy";
    case StreamOp::mul:
      return "stream_mul";
    case StreamOp::add:
      return "stream_add";
    case StreamOp::triad:
      return "stream_triad";
    case StreamOp::dot:
      return "stream_dot";
  }
  return "stream_copy";
}

std::string stream_unsupported_reason(const DeviceCaps& caps, const StreamSpec& spec) {
  if (!caps.available) return "not supported: device " + caps.name + " is not available";
  if (!caps.compiler_available) {
    return "not supported: device " + caps.name + " has no OpenCL C compiler";
  }
  if (spec.dtype != DType::fp32) {
    return "not supported: opencl:stream runs fp32 arrays, not " +
           std::string(dtype_name(spec.dtype));
  }
  if (spec.op == StreamOp::dot && !caps.has_fp64()) {
    return "not supported: device " + caps.name + " has no cl_khr_fp64 (dot accumulates in fp64)";
  }
  // Every array is one allocation, guards included; dot's output is a single element.
  const double guards = 2.0 * GuardedBuffer::kGuardBytes;
  const double array = spec.array_bytes() + guards;
  if (array > static_cast<double>(caps.max_alloc_bytes)) {
    return "not supported: an array needs " + std::to_string(static_cast<std::uint64_t>(array)) +
           " bytes, more than the device's largest allocation of " +
           std::to_string(caps.max_alloc_bytes);
  }
  const double total = array * (spec.arrays_read() + spec.arrays_written());
  if (total > static_cast<double>(caps.global_mem_bytes)) {
    return "not supported: the arrays need " + std::to_string(static_cast<std::uint64_t>(total)) +
           " bytes, more than the device's global memory of " +
           std::to_string(caps.global_mem_bytes);
  }
  return {};
}

StreamKernel::StreamKernel(std::shared_ptr<const DeviceContext> device, ProgramCache& cache,
                           const StreamSpec& spec)
    : device_(std::move(device)), spec_(spec) {
  const std::string& where = device_->label();
  const DeviceCaps& caps = device_->caps();
  // The dot kernels use double: compiled only where the device has it (the other ops build
  // everywhere from the same source). Their work-group sum is a tree except on CPUs.
  const std::string options = std::string("-DSTREAM_FP64=") + (caps.has_fp64() ? "1" : "0") +
                              " -DSTREAM_TREE=" + (caps.is_cpu() ? "0" : "1");
  ProgramHandle program =
      cache.get(device_->context(), device_->id(), stream_source(), options, where);
  kernel_ = KernelHandle(AICERT_CL(where, clCreateKernel, program.get(), stream_entry(spec_.op)));
  local_ = kernel_local_size(kernel_.get(), *device_);

  groups_ = stream_work_groups(caps, spec_.count, local_);

  if (spec_.op == StreamOp::dot) {
    dot_final_ = KernelHandle(AICERT_CL(where, clCreateKernel, program.get(), "stream_dot_final"));
    final_local_ = kernel_local_size(dot_final_.get(), *device_);
    partials_ =
        MemHandle(AICERT_CL(where, clCreateBuffer, device_->context(),
                            cl_mem_flags{CL_MEM_READ_WRITE}, groups_ * sizeof(cl_double), nullptr));
  }
  queue_ = device_->make_profiling_queue();
}

void StreamKernel::upload(const HostTensors& tensors) {
  const std::string& where = device_->label();
  buffers_.upload(device_->context(), queue_.get(), tensors, where);
  const cl_ulong n = static_cast<cl_ulong>(spec_.count);
  const cl_ulong offset = DeviceBuffers::payload_offset_elements(spec_.dtype);
  const cl_float s = static_cast<cl_float>(kStreamScalar);
  const bool reads_b = spec_.arrays_read() == 2;
  const cl_mem a = buffers_.buffer("A");
  const cl_mem b = reads_b ? buffers_.buffer("B") : nullptr;
  cl_kernel kn = kernel_.get();
  cl_uint i = 0;
  auto arg = [&](const auto& value) {
    // cl_mem arguments are passed as the handle itself: sizeof(cl_mem) is meant.
    AICERT_CL(where, clSetKernelArg, kn, i++, sizeof(value),  // NOLINT(bugprone-sizeof-expression)
              static_cast<const void*>(&value));
  };
  // Argument orders of the entry points in stream.cl.
  arg(n);
  if (spec_.op == StreamOp::mul || spec_.op == StreamOp::triad) arg(s);
  arg(a);
  arg(offset);
  if (reads_b) {
    arg(b);
    arg(offset);
  }
  if (spec_.op != StreamOp::dot) {
    arg(buffers_.buffer("C"));
    arg(offset);
    return;
  }
  arg(partials_.get());
  AICERT_CL(where, clSetKernelArg, kn, i++, local_ * sizeof(cl_double), nullptr);  // scratch

  kn = dot_final_.get();
  i = 0;
  arg(static_cast<cl_ulong>(groups_));
  arg(partials_.get());
  AICERT_CL(where, clSetKernelArg, kn, i++, final_local_ * sizeof(cl_double), nullptr);
  arg(buffers_.buffer("S"));
  arg(offset);
}

void StreamKernel::run() {
  if (buffers_.empty()) throw std::logic_error("opencl:stream run() before upload()");
  const std::string& where = device_->label();
  const std::size_t global = groups_ * local_;
  if (spec_.op != StreamOp::dot) {
    cl_event event = nullptr;
    AICERT_CL(where, clEnqueueNDRangeKernel, queue_.get(), kernel_.get(), 1u, nullptr, &global,
              &local_, 0u, nullptr, &event);
    timer_.add(EventHandle(event));
    return;
  }
  // Two kernels: time from a marker (it completes when everything before it has) to the end of
  // the second, so the span covers both and the dispatch between them.
  cl_event marker = nullptr, last = nullptr;
  AICERT_CL(where, clEnqueueMarkerWithWaitList, queue_.get(), 0u, nullptr, &marker);
  EventHandle marker_handle(marker);
  AICERT_CL(where, clEnqueueNDRangeKernel, queue_.get(), kernel_.get(), 1u, nullptr, &global,
            &local_, 0u, nullptr, static_cast<cl_event*>(nullptr));
  AICERT_CL(where, clEnqueueNDRangeKernel, queue_.get(), dot_final_.get(), 1u, nullptr,
            &final_local_, &final_local_, 0u, nullptr, &last);
  timer_.add_span(std::move(marker_handle), EventHandle(last));
}

double StreamKernel::elapsed_ms_since_last_sync() {
  return timer_.finish_and_sum_ms(queue_.get(), device_->label());
}

void StreamKernel::download(HostTensors& tensors) {
  buffers_.download(queue_.get(), tensors, device_->label());
}

}  // namespace aicert::opencl
