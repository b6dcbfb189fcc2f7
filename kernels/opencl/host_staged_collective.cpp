// opencl:host-staged kernel; see host_staged_collective.h.
#include "kernels/opencl/host_staged_collective.h"

#include <stdexcept>

#include "kernels/opencl/cl_error.h"
#include "workloads/collective_host.h"
#include "workloads/collective_layout.h"

namespace aicert::opencl {

HostStagedCollective::HostStagedCollective(
    const CollectiveSpec& spec, std::vector<std::shared_ptr<const DeviceContext>> contexts)
    : spec_(spec), ranks_(contexts.size()) {
  for (std::size_t r = 0; r < contexts.size(); ++r) {
    ranks_[r].context = std::move(contexts[r]);
    ranks_[r].queue = ranks_[r].context->make_profiling_queue();
  }
}

void HostStagedCollective::upload(const HostTensors& tensors) {
  const Tensor& x = tensors.at("X");
  const std::size_t e = dtype_size(spec_.dtype);
  for (int r = 0; r < spec_.ranks; ++r) {
    Rank& k = ranks_[static_cast<std::size_t>(r)];
    const std::string& where = k.context->label();
    const ElementSpan in = collective_input_span(spec_, r), out = collective_output_span(spec_, r);
    k.in_bytes = static_cast<std::size_t>(in.count) * e;
    k.out_bytes = static_cast<std::size_t>(out.count) * e;
    k.in_host.assign(k.in_bytes, std::byte{0});
    k.out_host.assign(k.out_bytes, std::byte{0});
    // OpenCL has no empty buffers: a rank with nothing to hold gets one unused byte.
    k.in = MemHandle(AICERT_CL(where, clCreateBuffer, k.context->context(), CL_MEM_READ_WRITE,
                               std::max<std::size_t>(k.in_bytes, 1), nullptr));
    k.out = MemHandle(AICERT_CL(where, clCreateBuffer, k.context->context(), CL_MEM_READ_WRITE,
                                std::max<std::size_t>(k.out_bytes, 1), nullptr));
    if (k.in_bytes > 0) {
      AICERT_CL(where, clEnqueueWriteBuffer, k.queue.get(), k.in.get(), cl_bool{CL_TRUE},
                std::size_t{0}, k.in_bytes,
                static_cast<const void*>(static_cast<const std::byte*>(x.data()) +
                                         static_cast<std::size_t>(in.offset) * e),
                0u, nullptr, nullptr);
    }
    if (k.out_bytes > 0) {
      AICERT_CL(where, clEnqueueWriteBuffer, k.queue.get(), k.out.get(), cl_bool{CL_TRUE},
                std::size_t{0}, k.out_bytes, static_cast<const void*>(k.out_host.data()), 0u,
                nullptr, nullptr);
    }
  }
  uploaded_ = true;
}

void HostStagedCollective::run() {
  if (!uploaded_) throw std::logic_error("opencl:host-staged: run() before upload()");
  const auto start = std::chrono::steady_clock::now();
  // Every device's input to the host at once, then the collective, then every output back.
  for (Rank& k : ranks_) {
    if (k.in_bytes == 0) continue;
    AICERT_CL(k.context->label(), clEnqueueReadBuffer, k.queue.get(), k.in.get(), cl_bool{CL_FALSE},
              std::size_t{0}, k.in_bytes, static_cast<void*>(k.in_host.data()), 0u, nullptr,
              nullptr);
  }
  for (Rank& k : ranks_) AICERT_CL(k.context->label(), clFinish, k.queue.get());
  std::vector<const std::byte*> in;
  std::vector<std::byte*> out;
  for (Rank& k : ranks_) {
    in.push_back(k.in_host.data());
    out.push_back(k.out_host.data());
  }
  run_collective_on_host(spec_, in, out);
  for (Rank& k : ranks_) {
    if (k.out_bytes == 0) continue;
    AICERT_CL(k.context->label(), clEnqueueWriteBuffer, k.queue.get(), k.out.get(),
              cl_bool{CL_FALSE}, std::size_t{0}, k.out_bytes,
              static_cast<const void*>(k.out_host.data()), 0u, nullptr, nullptr);
  }
  for (Rank& k : ranks_) AICERT_CL(k.context->label(), clFinish, k.queue.get());
  pending_ += std::chrono::steady_clock::now() - start;
}

double HostStagedCollective::elapsed_ms_since_last_sync() {
  const double ms = std::chrono::duration<double, std::milli>(pending_).count();
  pending_ = {};
  return ms;
}

void HostStagedCollective::download(HostTensors& tensors) {
  Tensor& y = tensors.at("Y");
  const std::size_t e = dtype_size(spec_.dtype);
  for (int r = 0; r < spec_.ranks; ++r) {
    Rank& k = ranks_[static_cast<std::size_t>(r)];
    if (k.out_bytes == 0) continue;
    const ElementSpan out = collective_output_span(spec_, r);
    AICERT_CL(k.context->label(), clEnqueueReadBuffer, k.queue.get(), k.out.get(), cl_bool{CL_TRUE},
              std::size_t{0}, k.out_bytes,
              static_cast<void*>(static_cast<std::byte*>(y.data()) +
                                 static_cast<std::size_t>(out.offset) * e),
              0u, nullptr, nullptr);
  }
}

}  // namespace aicert::opencl
