// Deterministic inputs: the same seed, tensor and index give the same value on every machine.
// Values are drawn with integer arithmetic only (a counter-based hash), then rounded to the
// tensor's dtype, so the bytes are identical across compilers, ISAs and thread counts.
#pragma once

#include <cstdint>
#include <string>

#include "workloads/host_tensors.h"

namespace aicert {

// The i-th value of stream `stream` under `seed`: uniform on [-1, 1) with 24 bits, exact in fp32.
float seeded_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t i);

// Tensors at least this large are filled by all cores (smaller ones are not worth waking them).
inline constexpr std::int64_t kParallelFillElements = 1 << 16;

// Fills a tensor's payload with seeded_uniform(seed, stream, i) * scale rounded to its dtype.
void fill_seeded(Tensor& t, std::uint64_t seed, std::uint64_t stream, float scale = 1.0f);

// SHA-256 (hex) over the payloads of every tensor that is an input, in order.
std::string inputs_sha256(const HostTensors& tensors, bool include_outputs_as_inputs = true);

}  // namespace aicert
