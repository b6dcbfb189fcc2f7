// The stream workload's case spec: one memory-bandwidth kernel of BabelStream's five over arrays
// of `count` elements. The arrays are fixed, each op reads its inputs and writes one output:
//   copy   C = A            reads A       writes C
//   mul    C = s * A        reads A       writes C
//   add    C = A + B        reads A, B    writes C
//   triad  C = A + s * B    reads A, B    writes C
//   dot    S = sum A * B    reads A, B    writes the scalar S (accumulated in fp64)
// with s = kStreamScalar. Bandwidth counts the bytes each op really moves: the arrays it reads
// and writes, once each (BabelStream's convention; no write-allocate traffic counted).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "workloads/dtype.h"

namespace aicert {

enum class StreamOp { copy, mul, add, triad, dot };
inline constexpr std::array<StreamOp, 5> kStreamOps = {StreamOp::copy, StreamOp::mul, StreamOp::add,
                                                       StreamOp::triad, StreamOp::dot};

std::string_view stream_op_name(StreamOp op);
std::optional<StreamOp> parse_stream_op(std::string_view name);
inline constexpr const char* kStreamOpNames = "copy, mul, add, triad, dot";

// The scalar of mul and triad. An integer, so that with integer-valued inputs every op is exact.
inline constexpr int kStreamScalar = 3;

struct StreamSpec {
  static constexpr std::string_view kWorkload = "stream";  // its workload's name
  StreamOp op = StreamOp::triad;
  std::int64_t count = 0;  // elements of each array
  DType dtype = DType::fp32;

  int arrays_read() const;     // copy, mul: 1; add, triad, dot: 2
  int arrays_written() const;  // 1, dot 0 (its scalar is not counted)
  // Bytes of one array, and bytes the op moves: (read + written) arrays.
  double array_bytes() const {
    return static_cast<double>(count) * static_cast<double>(dtype_size(dtype));
  }
  double bytes() const { return array_bytes() * (arrays_read() + arrays_written()); }
  // Flops per element: mul, add 1; triad, dot 2; copy 0 (reported for completeness only).
  double flops() const;
  // "triad/268435456B": the op and the bytes of one array.
  std::string shape_string() const;
};

// fp32 only, count in 1..2^31 (fp64 partial sums of dot stay exact below that), and the arrays
// of the case (inputs, output, a kernel's copy) within max_bytes. "" when valid, else what is
// wrong.
std::string validate_stream_spec(const StreamSpec& spec, double max_bytes);

}  // namespace aicert
