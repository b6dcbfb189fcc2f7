// cpu:stream: pinned team, first-touch upload, the timed run and download; see stream_kernel.h.
#include "kernels/cpu/stream_kernel.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "kernels/cpu/stream_loops.h"

namespace aicert::cpu {

namespace {
constexpr std::int64_t kLine = 16;    // floats per 64-byte cache line
constexpr double kTimeoutS = 3600;    // a run of a valid case never takes this long
constexpr std::size_t kPad = 8;       // doubles between two threads' partial sums
}  // namespace

StreamKernel::StreamKernel(const StreamSpec& spec, std::shared_ptr<const CorePinning> pinning,
                           int threads, std::size_t llc_bytes)
    : spec_(spec), team_(per_core_team_size(*pinning, threads), pinning) {
  non_temporal_ = llc_bytes > 0 && spec.bytes() > static_cast<double>(llc_bytes);
  partial_sums_.assign(static_cast<std::size_t>(team_.ranks()) * kPad, 0.0);
}

std::int64_t StreamKernel::chunk_begin(std::int64_t count, int thread) const {
  if (thread >= team_.ranks()) return count;
  const std::int64_t lines = (count + kLine - 1) / kLine;
  return std::min(count, lines * thread / team_.ranks() * kLine);
}

StreamKernel::Array* StreamKernel::find(const char* name) {
  for (Array& a : arrays_) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

void StreamKernel::upload(const HostTensors& tensors) {
  arrays_.clear();
  arrays_.reserve(tensors.tensors.size());
  for (const Tensor& t : tensors.tensors) {
    if (t.dtype != DType::fp32) {
      throw std::invalid_argument("cpu:stream: tensor " + t.name + " is not fp32");
    }
    Array a;
    a.name = t.name;
    a.is_output = t.is_output;
    a.payload_bytes = t.buffer.payload_bytes();
    a.whole.resize(t.buffer.total_bytes());
    // The guards from here; the payload by the thread that owns each chunk (first touch).
    const std::size_t front = GuardedBuffer::payload_offset();
    std::memcpy(a.whole.data(), t.buffer.whole(), front);
    const std::size_t back = front + a.payload_bytes;
    std::memcpy(a.whole.data() + back, t.buffer.whole() + back,
                t.buffer.total_bytes() - back);
    arrays_.push_back(std::move(a));
  }
  const bool dot = spec_.op == StreamOp::dot;
  if (!find("A") || !find(dot ? "S" : "C") ||
      (spec_.arrays_read() == 2 && !find("B"))) {
    throw std::invalid_argument("cpu:stream: the tensors are not those of " +
                                spec_.shape_string());
  }
  team_.run(
      [&](int thread) {
        for (std::size_t i = 0; i < arrays_.size(); ++i) {
          Array& a = arrays_[i];
          const auto count = static_cast<std::int64_t>(a.payload_bytes / sizeof(float));
          const std::int64_t begin = chunk_begin(count, thread);
          const std::int64_t end = chunk_begin(count, thread + 1);
          const auto* from = static_cast<const float*>(tensors.tensors[i].data());
          std::copy(from + begin, from + end, a.payload() + begin);
        }
      },
      kTimeoutS);
}

void StreamKernel::run() {
  if (arrays_.empty()) throw std::logic_error("cpu:stream: run() before upload()");
  const bool dot = spec_.op == StreamOp::dot;
  const float* a = find("A")->payload();
  const float* b = spec_.arrays_read() == 2 ? find("B")->payload() : nullptr;
  float* out = find(dot ? "S" : "C")->payload();
  timer_.time([&] {
    team_.run(
        [&](int thread) {
          StreamChunk chunk;
          const std::int64_t begin = chunk_begin(spec_.count, thread);
          chunk.a = a + begin;
          chunk.b = b ? b + begin : nullptr;
          chunk.c = dot ? nullptr : out + begin;
          chunk.n = chunk_begin(spec_.count, thread + 1) - begin;
          partial_sums_[static_cast<std::size_t>(thread) * kPad] =
              run_stream_chunk(spec_.op, chunk, non_temporal_);
        },
        kTimeoutS);
    if (dot) {
      double sum = 0;  // exact (integer products in fp64), so the order is immaterial
      for (int t = 0; t < team_.ranks(); ++t) {
        sum += partial_sums_[static_cast<std::size_t>(t) * kPad];
      }
      out[0] = static_cast<float>(sum);
    }
  });
}

void StreamKernel::download(HostTensors& tensors) {
  for (Tensor& t : tensors.tensors) {
    if (!t.is_output) continue;
    Array* a = find(t.name.c_str());
    if (a == nullptr || a->whole.size() != t.buffer.total_bytes()) {
      throw std::invalid_argument("cpu:stream: download of tensor " + t.name +
                                  ", which was not uploaded as it is");
    }
    std::memcpy(t.buffer.whole(), a->whole.data(), a->whole.size());
  }
}

}  // namespace aicert::cpu
