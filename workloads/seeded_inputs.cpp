// Counter-based seeded input generation and the SHA-256 of a case's inputs (OpenSSL).
#include "workloads/seeded_inputs.h"

#include <memory>
#include <stdexcept>

#include "workloads/sha256.h"

namespace aicert {

namespace {
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
}  // namespace

float seeded_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t i) {
  const std::uint64_t h = splitmix64(splitmix64(seed ^ (stream * 0xd1b54a32d192ed03ull)) + i);
  const auto bits24 = static_cast<std::int32_t>(h >> 40);              // [0, 2^24)
  return static_cast<float>(bits24 - (1 << 23)) * (1.0f / (1 << 23));  // exact
}

// Each element depends only on (seed, stream, index), so the threads' split cannot change a
// value: the inputs, and their SHA-256, are the same on any number of cores.
void fill_seeded(Tensor& t, std::uint64_t seed, std::uint64_t stream, float scale) {
  const auto n = static_cast<std::int64_t>(t.elements());
  void* data = t.data();
  const DType dtype = t.dtype;
#pragma omp parallel for schedule(static) if (n >= kParallelFillElements)
  for (std::int64_t i = 0; i < n; ++i) {
    const auto e = static_cast<std::size_t>(i);
    store_from_float(data, dtype, e, seeded_uniform(seed, stream, e) * scale);
  }
}

std::string inputs_sha256(const HostTensors& tensors, bool include_outputs_as_inputs) {
  Sha256 h;
  for (const auto& t : tensors.tensors) {
    if (t.is_output && !include_outputs_as_inputs) continue;
    h.update(t.data(), t.buffer.payload_bytes());
  }
  return h.hex();
}

}  // namespace aicert
