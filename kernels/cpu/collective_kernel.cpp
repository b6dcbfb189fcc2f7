// cpu:shm kernel: rank buffers inside the uploaded tensors, one collective per run().
#include "kernels/cpu/collective_kernel.h"

#include <stdexcept>
#include <thread>

#include "workloads/collective_layout.h"

namespace aicert::cpu {

CollectiveKernel::CollectiveKernel(const CollectiveSpec& spec,
                                   std::shared_ptr<const CorePinning> pinning, double timeout_s,
                                   std::optional<CollectiveFault> fault)
    : spec_(spec),
      timeout_s_(timeout_s),
      fault_(fault),
      team_(spec.ranks, std::move(pinning)),
      shm_(spec) {}

void CollectiveKernel::upload(const HostTensors& tensors) {
  tensors_.upload(tensors);
  const auto e = static_cast<std::int64_t>(dtype_size(spec_.dtype));
  if (tensors_.dtype("X") != spec_.dtype || tensors_.dtype("Y") != spec_.dtype ||
      tensors_.payload_bytes("X") !=
          static_cast<std::size_t>(collective_input_elements(spec_) * e) ||
      tensors_.payload_bytes("Y") !=
          static_cast<std::size_t>(collective_output_elements(spec_) * e)) {
    throw std::invalid_argument("cpu:shm: tensors X and Y do not match " + spec_.shape_string() +
                                " " + std::string(dtype_name(spec_.dtype)));
  }
  std::byte* x = tensors_.payload("X");
  std::byte* y = tensors_.payload("Y");
  in_.assign(static_cast<std::size_t>(spec_.ranks), nullptr);
  out_.assign(static_cast<std::size_t>(spec_.ranks), nullptr);
  for (int r = 0; r < spec_.ranks; ++r) {
    in_[static_cast<std::size_t>(r)] = x + collective_input_span(spec_, r).offset * e;
    out_[static_cast<std::size_t>(r)] = y + collective_output_span(spec_, r).offset * e;
  }
}

void CollectiveKernel::rank_job(int rank) {
  const bool faulty = fault_ && rank == fault_->rank;
  if (faulty) {
    switch (fault_->kind) {
      case FaultKind::fail:
        throw std::runtime_error("injected failure (" + std::string(kShmFaultEnv) + ")");
      case FaultKind::hang:
        while (!team_.aborted()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return;
      case FaultKind::corrupt:
        break;
    }
  }
  shm_.run_rank(rank, epoch_, in_, out_, team_);
  if (faulty && fault_->kind == FaultKind::corrupt &&
      collective_output_span(spec_, rank).count > 0) {
    std::byte* y = out_[static_cast<std::size_t>(rank)];
    store_from_float(y, spec_.dtype, 0, load_as_float(y, spec_.dtype, 0) + 1.0f);
  }
}

void CollectiveKernel::run() {
  if (in_.empty()) throw std::logic_error("cpu:shm: run() before upload()");
  ++epoch_;
  const std::function<void(int)> job = [this](int rank) { rank_job(rank); };
  timer_.time([&] { team_.run(job, timeout_s_); });
}

}  // namespace aicert::cpu
