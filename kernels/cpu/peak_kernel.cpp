// cpu:peak: pinned team, upload, the timed run and download; see peak_kernel.h.
#include "kernels/cpu/peak_kernel.h"

#include <cstring>
#include <stdexcept>

namespace aicert::cpu {

namespace {
constexpr double kTimeoutS = 3600;  // a run of a valid case never takes this long
}  // namespace

PeakKernel::PeakKernel(const PeakSpec& spec, const PeakLoop& loop,
                       std::shared_ptr<const CorePinning> pinning, int threads)
    : spec_(spec), loop_(loop), team_(per_core_team_size(*pinning, threads), pinning) {}

void PeakKernel::upload(const HostTensors& tensors) {
  const Tensor& x = tensors.at("X");
  const Tensor& a = tensors.at("A");
  const Tensor& y = tensors.at("Y");
  if (x.elements() != static_cast<std::size_t>(spec_.lanes) ||
      y.elements() != static_cast<std::size_t>(spec_.lanes) ||
      a.elements() != static_cast<std::size_t>(spec_.depth()) || a.dtype != spec_.dtype) {
    throw std::invalid_argument("cpu:peak: the tensors are not those of " + spec_.shape_string());
  }
  a_.assign(static_cast<const std::byte*>(a.data()),
            static_cast<const std::byte*>(a.data()) + a.buffer.payload_bytes());
  x_.resize(x.buffer.payload_bytes());
  std::memcpy(x_.data(), x.data(), x.buffer.payload_bytes());
  y_whole_.resize(y.buffer.total_bytes());
  std::memcpy(y_whole_.data(), y.buffer.whole(), y.buffer.total_bytes());
}

void PeakKernel::run() {
  if (a_.empty()) throw std::logic_error("cpu:peak: run() before upload()");
  const auto* x = x_.as<float>();
  auto* y = reinterpret_cast<float*>(y_whole_.data() + GuardedBuffer::payload_offset());
  const std::int64_t blocks = spec_.lanes / kPeakLaneMultiple;
  timer_.time([&] {
    team_.run(
        [&](int thread) {
          // Blocks [begin, end) of this thread: an even share (within one block).
          const std::int64_t begin = blocks * thread / team_.ranks();
          const std::int64_t end = blocks * (thread + 1) / team_.ranks();
          if (begin == end) return;
          if (loop_.begin) loop_.begin();
          for (std::int64_t b = begin; b < end; ++b) {
            loop_.block(x + b * kPeakLaneMultiple, y + b * kPeakLaneMultiple, spec_.steps,
                        a_.data());
          }
          if (loop_.end) loop_.end();
        },
        kTimeoutS);
  });
}

void PeakKernel::download(HostTensors& tensors) {
  Tensor& y = tensors.at("Y");
  if (y.buffer.total_bytes() != y_whole_.size()) {
    throw std::invalid_argument("cpu:peak: download of a Y that was not uploaded as it is");
  }
  std::memcpy(y.buffer.whole(), y_whole_.data(), y_whole_.size());
}

}  // namespace aicert::cpu
