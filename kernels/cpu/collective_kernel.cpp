// cpu:shm kernel: rank buffers inside the uploaded tensors, one collective per run().
#include "kernels/cpu/collective_kernel.h"

#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "workloads/collective_layout.h"

namespace aicert::cpu {

namespace {
constexpr const char* kFaultEnv = "AICERT_CPU_COLLECTIVE_FAULT";
constexpr const char* kTimeoutEnv = "AICERT_COLLECTIVE_TIMEOUT_S";
}  // namespace

CollectiveFault collective_fault_from_env() {
  CollectiveFault f;
  const char* text = std::getenv(kFaultEnv);
  if (text == nullptr || *text == '\0') return f;
  const std::string s = text;
  const auto colon = s.find(':');
  const std::string kind = s.substr(0, colon);
  if (kind == "fail") f.kind = CollectiveFault::Kind::fail;
  if (kind == "hang") f.kind = CollectiveFault::Kind::hang;
  if (kind == "corrupt") f.kind = CollectiveFault::Kind::corrupt;
  char* end = nullptr;
  const char* rank = colon == std::string::npos ? "" : text + colon + 1;
  const long r = std::strtol(rank, &end, 10);
  if (f.kind == CollectiveFault::Kind::none || end == rank || *end != '\0' || r < 0) {
    throw std::invalid_argument(std::string(kFaultEnv) + "='" + s +
                                "' is not fail:RANK, hang:RANK or corrupt:RANK");
  }
  f.rank = static_cast<int>(r);
  return f;
}

double collective_timeout_from_env() {
  const char* text = std::getenv(kTimeoutEnv);
  if (text == nullptr || *text == '\0') return 60.0;
  char* end = nullptr;
  const double t = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(t > 0) || t > 86400) {
    throw std::invalid_argument(std::string(kTimeoutEnv) + "='" + text +
                                "' is not a number of seconds in (0, 86400]");
  }
  return t;
}

CollectiveKernel::CollectiveKernel(const CollectiveSpec& spec,
                                   std::shared_ptr<const CorePinning> pinning, double timeout_s,
                                   CollectiveFault fault)
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
  if (rank == fault_.rank) {
    switch (fault_.kind) {
      case CollectiveFault::Kind::fail:
        throw std::runtime_error("injected failure (" + std::string(kFaultEnv) + ")");
      case CollectiveFault::Kind::hang:
        while (!team_.aborted()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return;
      case CollectiveFault::Kind::corrupt:
      case CollectiveFault::Kind::none:
        break;
    }
  }
  shm_.run_rank(rank, epoch_, in_, out_, team_);
  if (rank == fault_.rank && fault_.kind == CollectiveFault::Kind::corrupt &&
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
