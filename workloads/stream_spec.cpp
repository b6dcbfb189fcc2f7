// Names, byte counts and validation of stream specs.
#include "workloads/stream_spec.h"

#include "workloads/memory_need.h"

namespace aicert {

std::string_view stream_op_name(StreamOp op) {
  switch (op) {
    case StreamOp::copy:
      return "copy";
    case StreamOp::mul:
      return "mul";
    case StreamOp::add:
      return "add";
    case StreamOp::triad:
      return "triad";
    case StreamOp::dot:
      return "dot";
  }
  return "?";
}

std::optional<StreamOp> parse_stream_op(std::string_view name) {
  for (StreamOp op : kStreamOps) {
    if (name == stream_op_name(op)) return op;
  }
  return std::nullopt;
}

int StreamSpec::arrays_read() const {
  return op == StreamOp::copy || op == StreamOp::mul ? 1 : 2;
}

int StreamSpec::arrays_written() const { return op == StreamOp::dot ? 0 : 1; }

double StreamSpec::flops() const {
  switch (op) {
    case StreamOp::copy:
      return 0;
    case StreamOp::mul:
    case StreamOp::add:
      return static_cast<double>(count);
    case StreamOp::triad:
    case StreamOp::dot:
      return 2.0 * static_cast<double>(count);
  }
  return 0;
}

std::string StreamSpec::shape_string() const {
  return std::string(stream_op_name(op)) + "/" +
         std::to_string(count * static_cast<std::int64_t>(dtype_size(dtype))) + "B";
}

std::string validate_stream_spec(const StreamSpec& s, double max_bytes) {
  if (s.dtype != DType::fp32) {
    return "stream runs fp32, not " + std::string(dtype_name(s.dtype));
  }
  if (s.count < 1) return "count " + std::to_string(s.count) + " must be at least 1 element";
  if (s.count > (std::int64_t{1} << 31)) {
    return "count " + std::to_string(s.count) + " is more than 2^31 elements per array";
  }
  // A, B and C, a kernel's copy of the three, and the fp64 expected values of the check.
  const double needed = s.array_bytes() * 8;
  if (needed > max_bytes) {
    return s.shape_string() + " " + memory_shortfall(needed, max_bytes);
  }
  return {};
}

}  // namespace aicert
