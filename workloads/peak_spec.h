// The peak workload's case spec: compute-bound multiply-add loops that measure how fast a
// device's arithmetic units run, so that thresholds can judge every other case against the
// machine's own roofline (harness/roofline.h) instead of per-SKU tables.
//
// A case keeps `lanes` accumulators (fp32) in the unit's registers for `steps` steps. Each step
// adds to every accumulator the sum of `depth()` products A_k * w, where A (the tensor "A",
// depth() values of the case's dtype) is the same for every lane and w is +1 on odd steps and
// -1 on even ones. The units measured are those that compute what the GEMM and attention
// workloads need, products of the input type accumulated in fp32:
//   vector fp32   one FMA per lane per step                      depth 1  (AVX-512/AVX2 FMA, SIMT FFMA)
//   vector bf16   a pair of bf16 products into fp32 per lane      depth 2  (AVX512-BF16 vdpbf16ps)
//   vector fp16   a pair of fp16 products into fp32 per lane      depth 2  (AVX10.2 vdpphps)
//   matrix bf16   32 bf16 products into each fp32 tile element    depth 32 (AMX TDPBF16PS, tensor cores)
//   matrix fp16   32 fp16 products into each fp32 tile element    depth 32 (AMX-FP16, tensor cores)
// FLOPs = 2 * lanes * steps * depth. The shape is "UNIT:LANESxSTEPS" ("vector:1048576x4097").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "workloads/dtype.h"

namespace aicert {

enum class PeakUnit { vector, matrix };

std::string_view peak_unit_name(PeakUnit u);
std::optional<PeakUnit> parse_peak_unit(std::string_view name);

struct PeakSpec {
  static constexpr std::string_view kWorkload = "peak";  // its workload's name
  PeakUnit unit = PeakUnit::vector;
  DType dtype = DType::fp32;  // the type of the products' inputs
  std::int64_t lanes = 0;     // fp32 accumulators, a multiple of kPeakLaneMultiple
  std::int64_t steps = 0;     // odd: the accumulators end at X + sum(A)

  // Products per accumulator per step: vector fp32 1, vector 16-bit 2, matrix 32.
  int depth() const;
  double flops() const {
    return 2.0 * static_cast<double>(lanes) * static_cast<double>(steps) * depth();
  }
  // What a kernel must move: each accumulator read once and written once (fp32).
  double bytes() const { return 8.0 * static_cast<double>(lanes); }
  std::string shape_string() const;  // "vector:1048576x4097"
};

// Lanes come in whole 32x32 blocks of fp32: every SIMD width and 16x16 tile divides them.
inline constexpr std::int64_t kPeakLaneMultiple = 1024;

// Parses "UNIT:LANESxSTEPS" (dtype left at fp32). On failure returns nullopt and says why.
std::optional<PeakSpec> parse_peak_shape(std::string_view text, std::string* error);

// fp32 vector only, fp16 and bf16 on both units; lanes a positive multiple of
// kPeakLaneMultiple up to 2^28; steps odd, 1..2^31; the tensors within max_bytes. "" when
// valid, else what is wrong.
std::string validate_peak_spec(const PeakSpec& spec, double max_bytes);

}  // namespace aicert
