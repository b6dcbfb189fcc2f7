// Micro-panel packing, specialized per storage type and panel width so the copy loops vectorize.
#include "kernels/cpu/gemm_packing.h"

#include <algorithm>
#include <cstring>

#include "kernels/cpu/fp16_bits.h"

namespace aicert::cpu {
namespace {

struct LoadFp32 {
  using T = float;
  static float get(float x) { return x; }
};
struct LoadBf16 {
  using T = std::uint16_t;
  static float get(std::uint16_t x) { return bf16_bits_to_float(x); }
};
struct LoadFp16 {
  using T = std::uint16_t;
  static float get(std::uint16_t x) { return fp16_bits_to_float(x); }
};

// Where one micro-panel comes from: lanes [lane0, lane0 + valid), depth [depth0, depth0 + kc).
struct PanelRange {
  std::int64_t lane0;
  int valid;
  std::int64_t depth0;
  std::int64_t kc;
};

// W > 0: the width is a compile-time constant (the common full panels); W == 0: runtime width.
template <class Load, int W>
void pack(const PackSource& s, const PanelRange& r, int runtime_width, float* dst) {
  const int width = W > 0 ? W : runtime_width;
  const auto* src = static_cast<const typename Load::T*>(s.data);
  if (s.lanes_contiguous) {
    const typename Load::T* row = src + r.depth0 * s.ld + r.lane0;
    if (r.valid == width) {
      for (std::int64_t p = 0; p < r.kc; ++p, row += s.ld, dst += width) {
        for (int l = 0; l < width; ++l) dst[l] = Load::get(row[l]);
      }
    } else {
      for (std::int64_t p = 0; p < r.kc; ++p, row += s.ld, dst += width) {
        int l = 0;
        for (; l < r.valid; ++l) dst[l] = Load::get(row[l]);
        for (; l < width; ++l) dst[l] = 0.0f;
      }
    }
    return;
  }
  // Lanes strided: read each lane's run along depth contiguously, scatter with stride width.
  for (int l = 0; l < r.valid; ++l) {
    const typename Load::T* run = src + (r.lane0 + l) * s.ld + r.depth0;
    float* out = dst + l;
    for (std::int64_t p = 0; p < r.kc; ++p) out[p * width] = Load::get(run[p]);
  }
  if (r.valid < width) {
    for (std::int64_t p = 0; p < r.kc; ++p) {
      for (int l = r.valid; l < width; ++l) dst[p * width + l] = 0.0f;
    }
  }
}

template <class Load>
void pack_typed(const PackSource& s, const PanelRange& r, int width, float* dst) {
  switch (width) {
    case 4:
      return pack<Load, 4>(s, r, width, dst);
    case 6:
      return pack<Load, 6>(s, r, width, dst);
    case 8:
      return pack<Load, 8>(s, r, width, dst);
    case 12:
      return pack<Load, 12>(s, r, width, dst);
    case 16:
      return pack<Load, 16>(s, r, width, dst);
    case 32:
      return pack<Load, 32>(s, r, width, dst);
    default:
      return pack<Load, 0>(s, r, width, dst);
  }
}

}  // namespace

void pack_panel(const PackSource& src, std::int64_t lane0, int lanes_valid, std::int64_t depth0,
                std::int64_t kc, int width, float* dst) {
  const PanelRange r{lane0, lanes_valid, depth0, kc};
  switch (src.dtype) {
    case DType::fp32:
      return pack_typed<LoadFp32>(src, r, width, dst);
    case DType::bf16:
      return pack_typed<LoadBf16>(src, r, width, dst);
    case DType::fp16:
      return pack_typed<LoadFp16>(src, r, width, dst);
    case DType::int32:
    case DType::fp8e4m3:
      break;
  }
  // Unreachable: the kernels accept only the dtypes above (checked in make()).
  __builtin_trap();
}

void pack_panel_bf16_pairs(const PackSource& src, std::int64_t lane0, int lanes_valid,
                           std::int64_t depth0, std::int64_t kc, int width,
                           std::int64_t pair_rows, std::uint32_t* dst) {
  if (src.dtype != DType::bf16) __builtin_trap();  // the driver packs pairs for bf16 only
  const auto* data = static_cast<const std::uint16_t*>(src.data);
  const std::int64_t pairs = (kc + 1) / 2;
  // The padding rows first: the copies below return from several places.
  std::fill(dst + pairs * width, dst + pair_rows * width, 0u);
  const auto at = [&](int l, std::int64_t p) -> std::uint32_t {
    if (l >= lanes_valid || p >= kc) return 0;
    const std::int64_t lane = lane0 + l, depth = depth0 + p;
    return src.lanes_contiguous ? data[depth * src.ld + lane] : data[lane * src.ld + depth];
  };
  if (src.lanes_contiguous && lanes_valid == width) {
    // Rows along lanes: two source rows interleave into one row of words.
    for (std::int64_t q = 0; q < pairs; ++q, dst += width) {
      const std::uint16_t* even = data + (depth0 + 2 * q) * src.ld + lane0;
      if (2 * q + 1 < kc) {
        const std::uint16_t* odd = even + src.ld;
        for (int l = 0; l < width; ++l) dst[l] = even[l] | static_cast<std::uint32_t>(odd[l]) << 16;
      } else {
        for (int l = 0; l < width; ++l) dst[l] = even[l];
      }
    }
    return;
  }
  if (!src.lanes_contiguous) {
    // Each lane's run along depth is contiguous: two neighbours are one word already.
    for (int l = 0; l < width; ++l) {
      if (l >= lanes_valid) {
        for (std::int64_t q = 0; q < pairs; ++q) dst[q * width + l] = 0;
        continue;
      }
      const std::uint16_t* run = data + (lane0 + l) * src.ld + depth0;
      for (std::int64_t q = 0; q < kc / 2; ++q) {
        dst[q * width + l] = run[2 * q] | static_cast<std::uint32_t>(run[2 * q + 1]) << 16;
      }
      if (kc % 2 != 0) dst[(pairs - 1) * width + l] = run[kc - 1];
    }
    return;
  }
  for (std::int64_t q = 0; q < pairs; ++q) {
    for (int l = 0; l < width; ++l) dst[q * width + l] = at(l, 2 * q) | at(l, 2 * q + 1) << 16;
  }
}

void pack_panel_bf16_amx_rows(const PackSource& src, std::int64_t lane0, int lanes_valid,
                              std::int64_t depth0, std::int64_t kc, int width,
                              std::uint32_t* dst) {
  if (src.dtype != DType::bf16) __builtin_trap();
  constexpr int kRowPairs = 16, kRowElements = 2 * kRowPairs;  // one 64-byte tile row
  const auto* data = static_cast<const std::uint16_t*>(src.data);
  const std::int64_t blocks = (kc + kRowElements - 1) / kRowElements;
  auto* out = reinterpret_cast<std::uint16_t*>(dst);  // element (l, p) at block, lane, p % 32
  std::fill(out, out + blocks * kRowElements * width, std::uint16_t{0});
  if (!src.lanes_contiguous) {
    // Each lane's run along K is contiguous already: 64-byte copies into its tile rows.
    for (int l = 0; l < lanes_valid; ++l) {
      const std::uint16_t* run = data + (lane0 + l) * src.ld + depth0;
      for (std::int64_t blk = 0; blk < blocks; ++blk) {
        const std::int64_t n = std::min<std::int64_t>(kRowElements, kc - blk * kRowElements);
        std::memcpy(out + (blk * width + l) * kRowElements, run + blk * kRowElements,
                    static_cast<std::size_t>(n) * sizeof(std::uint16_t));
      }
    }
    return;
  }
  // Lanes contiguous (A stored transposed): a transpose, row of K by row of K.
  for (std::int64_t p = 0; p < kc; ++p) {
    const std::uint16_t* row = data + (depth0 + p) * src.ld + lane0;
    std::uint16_t* col = out + (p / kRowElements) * kRowElements * width + p % kRowElements;
    for (int l = 0; l < lanes_valid; ++l) col[l * kRowElements] = row[l];
  }
}

}  // namespace aicert::cpu
